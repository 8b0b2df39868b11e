import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from courier.core.models import WebhookEndpoint

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
ERROR_KEYS = {"code", "message", "details"}


def _error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code and isinstance(body["message"], str) and body["message"]
    return body


def test_unknown_path_and_wrong_method_answer_json_errors(key_client):
    """API-04: 404 and 405 use the error format too."""
    client = key_client()
    _error(client.get("/api/v1/nothing-here/"), 404, "not_found")
    _error(client.get("/api/v1/me"), 404, "not_found")
    _error(client.delete("/api/v1/me/"), 405, "method_not_allowed")


@pytest.mark.urls("tests.courier.api.testapp")
def test_bad_input_gets_4xx_with_a_code_never_500(key_client):
    """API-04: malformed JSON, wrong types, unknown and read-only fields, wrong media type."""
    client = key_client()
    post = lambda body, **kw: client.post(  # noqa: E731
        "/api/t/endpoints/", body, content_type=kw.pop("ct", "application/json"), **kw
    )
    _error(post('{"url": "https://x.example/h"'), 400, "parse_error")
    body = _error(post({"url": 42, "event_types": "x", "description": ["a"]}), 400, "invalid")
    assert set(body["details"]) == {"url", "description"}
    assert body["details"]["url"][0]["code"] == "invalid"
    body = _error(post({"url": "https://x.example/h", "colour": "red"}), 400, "invalid")
    assert body["details"] == {"colour": [{"message": "Unknown field.", "code": "unknown_field"}]}
    body = _error(
        post({"url": "https://x.example/h", "colour": "red"}, HTTP_ACCEPT_LANGUAGE=""),
        400,
        "invalid",
    )
    assert body["details"] == {"colour": [{"message": "未知字段。", "code": "unknown_field"}]}
    body = _error(post({"url": "https://x.example/h", "is_active": False}), 400, "invalid")
    assert body["details"]["is_active"][0]["code"] == "read_only"
    _error(post("[1, 2]"), 400, "invalid")
    _error(post("url=x", ct="application/x-www-form-urlencoded"), 415, "unsupported_media_type")
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.urls("tests.courier.api.testapp")
def test_bodies_over_one_megabyte_get_413(key_client):
    """API-04: a body over 1 MiB is refused with 413 before it is parsed; 1 MiB itself is read."""
    client = key_client()
    big = json.dumps({"url": "https://x.example/h", "description": "x" * (1024 * 1024)})
    _error(
        client.post("/api/t/endpoints/", big, content_type="application/json"),
        413,
        "payload_too_large",
    )
    limit = '{"description": "' + "x" * (1024 * 1024 - 19) + '"}'
    assert len(limit) == 1024 * 1024
    _error(client.post("/api/t/endpoints/", limit, content_type="application/json"), 400, "invalid")


@pytest.mark.urls("tests.courier.api.testapp")
def test_cursor_pagination_max_100_and_bad_cursor_is_400(key_client):
    """API-04: cursor pagination; page_size is capped at 100; a forged cursor is a 400."""
    client = key_client()
    WebhookEndpoint.objects.bulk_create(
        [WebhookEndpoint(partner=client.partner, url=f"https://x.example/{i}") for i in range(105)]
    )
    first = client.get("/api/t/endpoints/", {"page_size": 500}).json()
    assert len(first["results"]) == 100 and first["next"] and first["previous"] is None
    ids = [r["id"] for r in first["results"]]
    assert ids == sorted(ids, reverse=True)
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
    assert not set(ids) & {r["id"] for r in second["results"]}
    assert len(client.get("/api/t/endpoints/").json()["results"]) == 20
    _error(client.get("/api/t/endpoints/", {"cursor": "garbage!"}), 400, "invalid_cursor")
    _error(client.get("/api/t/endpoints/", {"page_size": "abc"}), 400, "invalid_page_size")


def test_throttling_per_key_gives_429_with_retry_after(key_client, settings):
    """API-04: each key has its own budget; over it → 429 throttled with Retry-After."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner_key": "3/min"},
    }
    first, second = key_client(), key_client()
    assert [first.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    response = first.get("/api/v1/me/")
    body = _error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["details"] == {"retry_after": int(response["Retry-After"])}
    assert second.get("/api/v1/me/").status_code == 200  # another key is not affected


def test_schema_is_served_and_documents_errors_and_idempotency(client):
    """API-04: /api/v1/schema/ is OpenAPI 3 with the error format on every operation."""
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["partnerKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A partner API key: `Authorization: Bearer <key>`.",
    }
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == ERROR_KEYS
    from tests.api_registry import public_endpoint

    for path, item in schema["paths"].items():
        for method, op in item.items():
            if public_endpoint(path, method):  # no key: no 401/403, and says so
                assert op["security"] == [] and {"400", "404", "429"} <= set(op["responses"])
                continue
            for code in ("401", "403", "429"):
                ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, code)
            if method == "post":
                assert "Idempotency-Key" in [p["name"] for p in op.get("parameters", [])]


def test_docs_page_loads_nothing_from_other_hosts(client):
    """API-04: /api/v1/docs/ is served from installed packages: no CDN, no external host."""
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert re.findall(r"(?:src|href)=[\"']?(?:https?:)?//", html) == []
    assert re.findall(r"https?://", html) == []
    for asset in re.findall(r"(?:src|href)=\"([^\"]+)\"", html):
        assert asset.startswith("/"), asset


def test_spectacular_validate_fail_on_warn_passes(tmp_path):
    """API-04: `manage.py spectacular --validate --fail-on-warn` passes for the whole API."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yaml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**__import__("os").environ, "COURIER_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "/api/v1/me/" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.urls("tests.courier.api.testapp")
def test_database_range_errors_are_400_and_leave_the_connection_usable(key_client, settings):
    """API-04: a value the database cannot store (PostgreSQL: a time-zone offset out of range)
    is the client's error, 400, not 500; the next request works."""
    client = key_client()
    response = client.get(
        "/api/t/endpoints/", {"created_at__gte": "0096-05-04T12:05:18.000602-20:52"}
    )
    if settings.DATABASE_IS_POSTGRES:
        _error(response, 400, "invalid")
    else:
        assert response.status_code == 200 and response.json()["results"] == []
    assert client.get("/api/t/endpoints/").status_code == 200
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.urls("tests.courier.api.testapp")
def test_query_counts_stay_flat(key_client, django_assert_num_queries):
    """API-02, API-04: a request costs one query for the key (partner and service user joined);
    a list page one more, however many rows; an idempotent POST adds the claim and the store.
    (In a test the base also wraps each request in a savepoint: two statements more.)"""
    client = key_client()
    WebhookEndpoint.objects.bulk_create(
        [WebhookEndpoint(partner=client.partner, url=f"https://x.example/{i}") for i in range(30)]
    )
    with django_assert_num_queries(1 + 2):
        assert client.get("/api/v1/me/").status_code == 200
    with django_assert_num_queries(2 + 2):
        assert len(client.get("/api/t/endpoints/").json()["results"]) == 20
    with django_assert_num_queries(2 + 2):
        assert len(client.get("/api/t/endpoints/", {"page_size": 100}).json()["results"]) == 30
    # key; claim (2 savepoints + insert); endpoint + its history row; store the response
    with django_assert_num_queries(9 + 2):
        response = client.post(
            "/api/t/endpoints/",
            {"url": "https://x.example/new"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="q-1",
        )
        assert response.status_code == 201


def _literal_blocks(docstring: str) -> list[str]:
    """The reStructuredText literal blocks (after ``::``) of a docstring, dedented."""
    import textwrap

    blocks, lines = [], docstring.splitlines()
    for i, line in enumerate(lines):
        if not line.rstrip().endswith("::"):
            continue
        body = []
        for nxt in lines[i + 1 :]:
            if nxt.strip() and not nxt.startswith(" "):
                break
            body.append(nxt)
        blocks.append(textwrap.dedent("\n".join(body)).strip("\n"))
    return blocks


def _imports_resolve(code: str) -> list[str]:
    """Every ``from X import a`` of ``code``: the names that do not exist."""
    import ast
    import importlib

    missing = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom):
            module = importlib.import_module(node.module)
            missing += [
                f"{node.module}.{a.name}" for a in node.names if not hasattr(module, a.name)
            ]
    return missing


def test_api_base_docstring_example_runs():
    """The example in ``courier.core.api.base`` imports only what exists, defines a viewset the
    base accepts, and calls ``shipment_cancel`` the way its signature takes it."""
    import inspect

    from courier.core.api import base
    from courier.shipments.services.shipments import shipment_cancel

    [example] = [b for b in _literal_blocks(base.__doc__) if "class ShipmentViewSet" in b]
    assert _imports_resolve(example) == []
    namespace: dict = {}
    exec(compile(example, "courier/core/api/base.py:example", "exec"), namespace)
    viewset = namespace["ShipmentViewSet"]
    assert issubclass(viewset, base.PartnerScopedViewSet)
    assert set(viewset.required_scopes) == {"list", "retrieve", "cancel"}
    inspect.signature(shipment_cancel).bind(object(), user=None, reason="x")


def test_api_registry_docstring_example_resolves():
    """The example in ``tests.api_registry`` imports only what exists and registers path keys
    that the real registry uses."""
    import tests.api_registry as registry

    [example] = [b for b in _literal_blocks(registry.__doc__) if "@partner_object" in b]
    assert _imports_resolve(example) == []
    keys = {key for entry in registry.discover() for key in entry.paths}
    assert {"shipments/{waybill_number}", "returns/{id}"} <= keys
