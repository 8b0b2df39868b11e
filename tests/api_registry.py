"""Registry of partner-owned test objects for the API security matrix and schemathesis.

THE CONTRACT, for every app that adds endpoints under ``/api/v1/``
==================================================================

Create ``tests/<app>/api_objects.py`` (found automatically: any ``tests/**/api_objects.py``) and
register one factory per kind of object a path parameter or a body link points at::

    from courier.shipments.models import ReturnRequest
    from tests.api_registry import partner_object
    from tests.courier.factories import ShipmentFactory

    @partner_object("courier.Shipment", paths=["shipments/{waybill_number}"])
    def shipment(partner):
        return ShipmentFactory(partner=partner)    # everything it needs, owned by `partner`

    @partner_object(
        "courier.ReturnRequest",
        paths=["returns/{id}"],
        params=lambda rr: {"id": rr.pk},           # the default would say the same
    )
    def return_request(partner):
        return ReturnRequest.objects.create(
            shipment=shipment(partner), partner=partner, kind="return", reason="不合适"
        )

(``tests/courier/api/test_conventions.py`` compiles this example and resolves its imports.)

- ``model`` ("app_label.ModelName"): what the factory returns. Body fields declared with
  ``PartnerOwnedRelatedField``/``PartnerOwnedSlugRelatedField`` on that model are checked with it.
- ``paths``: *path keys*. A key is the operation's path relative to ``/api/v1/``, cut right after
  its LAST path parameter, without leading/trailing slashes. ``/api/v1/shipments/{waybill_number}/``
  and ``/api/v1/shipments/{waybill_number}/cancel/`` both use ``"shipments/{waybill_number}"``; a
  nested ``/api/v1/shipments/{waybill_number}/events/{id}/`` would use
  ``"shipments/{waybill_number}/events/{id}"``. The key's first segment also names the collection
  (``/api/v1/shipments/``) whose list the matrix checks with these objects.
- ``params(obj) -> dict`` (optional): the path parameter values for ``obj``; by default each
  ``{name}`` is ``getattr(obj, name)``, and ``{id}``/``{pk}`` is ``obj.pk``.

What the tests then do with no edit (``tests/courier/api/test_security_matrix.py``): read the
OpenAPI schema; for EVERY operation with a path parameter, partner B (a key with every scope)
calls it with partner A's object and must get 404 ``not_found`` with A's row and history
unchanged (so a nested POST must look its parent up before validating the body); every
paginated list called by B returns no row of A's (also with each ``ordering`` value and each
filter set to A's identifiers), while A sees its own; every body field with ``x-partner-link``
(emitted by ``PartnerOwnedRelatedField``) given A's object answers 400 naming that field, and
given B's own object does not. An operation whose path key has no factory, or a link whose model
has no factory, FAILS the matrix. schemathesis then fuzzes every operation (no 5xx, responses
match the schema).

PUBLIC ENDPOINTS: the one, reviewed exception
=============================================

A view under ``/api/v1/`` that answers WITHOUT a key is allowed only when it is listed in
``PUBLIC_ENDPOINTS`` below, with its OpenAPI path, the one view class allowed there, its methods
and the reason it is public. It must derive from ``courier.core.api.public.PublicAPIView`` (no
authentication, read only, ``security: []`` in the schema). The matrix skips exactly those
operations (the lookup answers any waybill by design, so "another partner's object → 404" does
not apply); every other view not on the base still fails
``test_every_partner_view_under_api_v1_is_built_on_the_base``, and
``tests/tracking/test_public_api.py`` fails when a ``PublicAPIView`` is mounted anywhere the list
does not name, or the list names a view that is not public. Adding a line here is a security
decision: say why in ``reason``.
"""

import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

API_PREFIX = "/api/v1/"
_PARAM = re.compile(r"\{([^}/]+)\}")


@dataclass(frozen=True)
class PartnerObject:
    model: str | None
    make: Callable
    paths: tuple[str, ...]
    params: Callable | None = None

    def path_params(self, obj, key: str) -> dict:
        if self.params is not None:
            return {k: str(v) for k, v in self.params(obj).items()}
        values = {}
        for name in _PARAM.findall(key):
            value = obj.pk if name in ("id", "pk") else getattr(obj, name)
            values[name] = str(value)
        return values


REGISTRY: list[PartnerObject] = []


@dataclass(frozen=True)
class PublicEndpoint:
    path: str  # the OpenAPI path relative to /api/v1/, e.g. "track/{waybill}/"
    view: str  # the dotted path of the one view class allowed there
    methods: tuple[str, ...]
    reason: str


PUBLIC_ENDPOINTS: tuple[PublicEndpoint, ...] = (
    PublicEndpoint(
        path="track/{waybill}/",
        view="tracking.api.public.TrackLookupView",
        methods=("get",),
        reason="Issue 19 item 10: the public parcel lookup; recipients have no key. Masked "
        "(GB/T 41833-2022), rate-limited per client address, the full list only with the "
        "recipient phone's last 4 digits, every lookup logged as a contact.",
    ),
)


def public_endpoint(path: str, method: str, prefix: str = API_PREFIX) -> PublicEndpoint | None:
    """The allow-list entry of an OpenAPI operation (None: it must be partner-scoped)."""
    rel = path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/")
    return next(
        (e for e in PUBLIC_ENDPOINTS if e.path == rel and method.lower() in e.methods), None
    )


def public_view_allowed(cls) -> bool:
    """``cls`` is a view class the allow-list names (and it is a ``PublicAPIView``)."""
    from courier.core.api.public import PublicAPIView

    name = f"{cls.__module__}.{cls.__qualname__}"
    return issubclass(cls, PublicAPIView) and any(e.view == name for e in PUBLIC_ENDPOINTS)


def partner_object(model: str | None = None, *, paths: Iterable[str] = (), params=None):
    """Register ``make(partner) -> instance`` for the given model label and path keys."""
    paths = tuple(p.strip("/") for p in paths)

    def register(make):
        for existing in REGISTRY:
            clash = set(existing.paths) & set(paths)
            if clash:
                raise ValueError(f"path key(s) {sorted(clash)} registered twice")
        REGISTRY.append(PartnerObject(model=model, make=make, paths=paths, params=params))
        return make

    return register


_discovered = False


def discover() -> list[PartnerObject]:
    """Import every ``tests/**/api_objects.py`` once; returns the registry."""
    global _discovered
    if not _discovered:
        root = Path(__file__).resolve().parent
        for path in sorted(root.rglob("api_objects.py")):
            module = ".".join(("tests", *path.relative_to(root).with_suffix("").parts))
            importlib.import_module(module)
        _discovered = True
    return REGISTRY


def path_key(path: str, prefix: str = API_PREFIX) -> str | None:
    """The registry key of an OpenAPI path (None when it has no path parameter)."""
    rel = path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/")
    last = None
    for match in _PARAM.finditer(rel):
        last = match
    if last is None:
        return None
    return rel[: last.end()].strip("/")


def for_path(key: str) -> PartnerObject | None:
    return next((e for e in discover() if key in e.paths), None)


def for_model(label: str) -> PartnerObject | None:
    label = label.lower()
    return next((e for e in discover() if e.model and e.model.lower() == label), None)


def for_collection(collection: str) -> list[tuple[PartnerObject, str]]:
    """Entries (with the key) whose key starts with ``collection/{`` (the list's objects)."""
    collection = collection.strip("/")
    found = []
    for entry in discover():
        for key in entry.paths:
            rest = key[len(collection) + 1 :]
            if key.startswith(collection + "/{") and "/" not in rest:
                found.append((entry, key))
    return found


def fill(path: str, values: dict) -> str:
    return _PARAM.sub(lambda m: values[m.group(1)], path)
