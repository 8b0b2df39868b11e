"""The partner-isolation checks, driven by the URL resolver and the OpenAPI schema.

Used by ``test_security_matrix.py`` on the real API (must find nothing) and on a test URLconf
with a deliberately leaky view (must find it), so the checks are known to be able to fail.
"""

import json
import re

from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from courier.core.api.base import PartnerAPIView, PartnerScopedMixin
from courier.core.api.views import api_not_found
from tests import api_registry

PLATFORM_VIEWS = (SpectacularAPIView, SpectacularSwaggerView, SpectacularRedocView)
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _walk(patterns, prefix=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route, p


def partner_views_not_on_base(urlconf=None, prefix="api/") -> list[str]:
    """Every view under ``prefix`` must be built on ``courier.core.api.base`` and declare a scope
    for each action; returns the offenders."""
    problems = []
    for route, pattern in _walk(get_resolver(urlconf).url_patterns):
        if not route.lstrip("^").startswith(prefix):
            continue
        callback = pattern.callback
        cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if callback is api_not_found or (cls and issubclass(cls, PLATFORM_VIEWS)):
            continue
        if cls is not None and api_registry.public_view_allowed(cls):
            continue  # the reviewed public allow-list (tests/api_registry.py PUBLIC_ENDPOINTS)
        has_params = bool(pattern.pattern.regex.groups) or bool(re.search(r"[<(]", route))
        if cls is None or not (
            issubclass(cls, PartnerScopedMixin)
            or (issubclass(cls, PartnerAPIView) and not has_params)
        ):
            problems.append(f"{route}: {getattr(cls, '__name__', callback)} is not on the base")
            continue
        actions = getattr(callback, "actions", None)
        names = set(actions.values()) if actions else {m for m in HTTP_METHODS if hasattr(cls, m)}
        scopes = getattr(cls, "required_scopes", {}) or {}
        for name in sorted(names):
            if name not in scopes:
                problems.append(f"{route}: {cls.__name__} declares no scope for {name!r}")
    return problems


def _snapshot(obj: Model):
    model = type(obj)
    row = list(model._default_manager.filter(pk=obj.pk).values())
    history = obj.history.count() if hasattr(model, "history") else None
    return row, history


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = schema["components"]["schemas"][name]
    return node


def _link_fields(schema, op) -> list[tuple[str, str, str, bool]]:
    """(field, model label, lookup attribute, is_list) of every x-partner-link in the body."""
    content = (op.get("requestBody") or {}).get("content", {})
    body = _resolve(schema, content.get("application/json", {}).get("schema", {}))
    links = []
    for name, prop in (body.get("properties") or {}).items():
        prop = _resolve(schema, prop)
        many = prop.get("type") == "array"
        target = _resolve(schema, prop.get("items", {})) if many else prop
        if "x-partner-link" in target:
            links.append(
                (name, target["x-partner-link"], target.get("x-partner-link-field", "pk"), many)
            )
    return links


def _operations(schema, prefix):
    for path, item in sorted(schema.get("paths", {}).items()):
        if not path.startswith(prefix):
            continue
        for method in HTTP_METHODS:
            if method in item and not api_registry.public_endpoint(path, method, prefix):
                yield method, path, item[method]


def _results(response):
    try:
        return response.json().get("results")
    except (ValueError, AttributeError):
        return None


def security_matrix_problems(schema, client_for, prefix="/api/v1/") -> list[str]:
    """Run the matrix; ``client_for(partner)`` returns a client with an all-scopes key."""
    from tests.factories import PartnerFactory

    api_registry.discover()
    problems = []
    partner_a, partner_b = PartnerFactory(), PartnerFactory()
    client_a, client_b = client_for(partner_a), client_for(partner_b)
    ops = list(_operations(schema, prefix))

    # 1. Every operation on an object: B with A's identifiers → 404, A's row and history intact.
    for method, path, _op in ops:
        key = api_registry.path_key(path, prefix)
        if key is None:
            continue
        entry = api_registry.for_path(key)
        if entry is None:
            problems.append(
                f"{method.upper()} {path}: no factory for path key {key!r}; register one with "
                f"@partner_object(..., paths=[{key!r}]) in tests/<app>/api_objects.py"
            )
            continue
        obj = entry.make(partner_a)
        url = api_registry.fill(path, entry.path_params(obj, key))
        before = _snapshot(obj)
        response = client_b.generic(method.upper(), url, "{}", content_type="application/json")
        if response.status_code != 404:
            problems.append(f"{method.upper()} {path}: B got {response.status_code}, not 404")
        elif response.json().get("code") != "not_found":
            problems.append(f"{method.upper()} {path}: 404 without code not_found")
        if _snapshot(obj) != before:
            problems.append(f"{method.upper()} {path}: B's call changed A's object or history")

    # 2. Lists: B sees none of A's rows (plain, each ordering, each filter); A sees its own.
    for method, path, op in ops:
        if method != "get" or "{" in path:
            continue
        ok = _resolve(schema, op["responses"].get("200", {}).get("content", {}))
        ok = _resolve(schema, ok.get("application/json", {}).get("schema", {}))
        if "results" not in (ok.get("properties") or {}):
            continue
        collection = path[len(prefix) :].strip("/")
        seeded = []
        for entry, key in api_registry.for_collection(collection):
            obj = entry.make(partner_a)
            seeded.append(entry.path_params(obj, key))
        variants = [{}]
        for param in op.get("parameters", []):
            if param.get("in") != "query" or param["name"] in ("cursor", "page_size"):
                continue
            enum = _resolve(schema, param.get("schema", {})).get("enum") or []
            if param["name"] == "ordering" or enum:
                variants += [{param["name"]: v} for v in enum]
            else:
                for values in seeded:
                    variants += [{param["name"]: v} for v in values.values()]
        for query in variants:
            response = client_b.get(path, query)
            if response.status_code == 400:
                continue
            if response.status_code != 200 or _results(response) != []:
                problems.append(
                    f"GET {path} {query}: B got {response.status_code} "
                    f"{json.dumps(_results(response))[:200]}"
                )
        if seeded and not _results(client_a.get(path)):
            problems.append(f"GET {path}: A does not see its own rows (the check would be vacuous)")

    # 3. Links in bodies: A's object → 400 on that field; B's own object → no error on it.
    for method, path, op in ops:
        for field, label, attr, many in _link_fields(schema, op):
            entry = api_registry.for_model(label)
            if entry is None:
                problems.append(f"{method.upper()} {path}: no factory for linked model {label}")
                continue
            url = path
            key = api_registry.path_key(path, prefix)
            if key is not None:
                parent = api_registry.for_path(key)
                if parent is None:
                    continue  # already reported above
                url = api_registry.fill(path, parent.path_params(parent.make(partner_b), key))
            for owner, expect_error in ((partner_a, True), (partner_b, False)):
                obj = entry.make(owner)
                value = obj.pk if attr == "pk" else getattr(obj, attr)
                value = [value] if many else value
                body = json.dumps({field: value}, default=str)
                before = _snapshot(obj)
                response = client_b.generic(
                    method.upper(), url, body, content_type="application/json"
                )
                details = {}
                if response.status_code == 400:
                    details = response.json().get("details") or {}
                if expect_error and (response.status_code != 400 or field not in details):
                    problems.append(
                        f"{method.upper()} {path}: A's {label} in {field!r} was not refused "
                        f"({response.status_code})"
                    )
                if not expect_error and field in details:
                    problems.append(
                        f"{method.upper()} {path}: B's own {label} in {field!r} was refused "
                        "(the check would be vacuous)"
                    )
                if expect_error and _snapshot(obj) != before:
                    problems.append(f"{method.upper()} {path}: A's {label} changed")
    return problems
