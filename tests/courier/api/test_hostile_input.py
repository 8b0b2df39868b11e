"""PLT-05 (issue 12 item 5): hostile input gets a 4xx JSON error, never a 500 or a traceback
in the log."""

import base64
import json
import logging

import pytest
from django.test import Client

from complaints.models import Complaint
from tests.courier.factories import ShipmentFactory

pytestmark = pytest.mark.django_db

BODY = {
    "category": "delay",
    "description": "三天未到",
    "customer_name": "王先生",
    "customer_phone": "13800000000",
}


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.fixture
def no_traceback(caplog):
    """Collects the log; the test asserts that no record carries a traceback or is an error."""
    caplog.set_level(logging.INFO)
    yield caplog
    bad = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert bad == [], [r.getMessage() for r in bad]


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!not-base64!!!",
        _cursor("p=abc"),  # not a number for the -pk ordering (was a ValueError → 500)
        _cursor("p=99999999999999999999999999"),  # out of the 64-bit range (DataError on PG)
        _cursor("p=-99999999999999999999999999&r=1"),
        _cursor("p=1\x00"),  # a NUL byte
        _cursor("o=abc"),
        _cursor("r=x"),
    ],
)
def test_forged_cursor_on_an_integer_ordering_is_400_invalid_cursor(
    key_client, cursor, no_traceback
):
    """PLT-05: a forged pagination cursor on a list ordered by id answers 400
    ``invalid_cursor`` (a wrong type or an out-of-range number used to be a 500)."""
    client = key_client()
    ShipmentFactory(partner=client.partner)
    response = client.get("/api/v1/shipments/", {"cursor": cursor})
    assert response.status_code == 400, response.content
    assert response.json() == {
        "code": "invalid_cursor",
        "message": "The cursor is invalid.",
        "details": None,
    }


@pytest.mark.parametrize("position", ["abc", "2026-13-45T99:00:00", "99999-01-01T00:00:00"])
def test_forged_cursor_on_a_datetime_ordering_is_400_invalid_cursor(key_client, position):
    """PLT-05: the complaints list is ordered by ``received_at``; a position that is
    not a date-time answers 400 ``invalid_cursor``."""
    client = key_client()
    response = client.get("/api/v1/complaints/", {"cursor": _cursor(f"p={position}")})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_cursor")


def test_a_real_cursor_still_pages(key_client):
    """PLT-05: the checks refuse forged cursors only; the next link still works."""
    client = key_client()
    for _ in range(3):
        ShipmentFactory(partner=client.partner)
    first = client.get("/api/v1/shipments/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1000 + "]" * 1000,  # deeper than Python's decoder goes (was a RecursionError)
        '{"a":' * 1000 + "1" + "}" * 1000,
        "[" * 100_000 + "]" * 100_000,
        '{"description":' + "[" * 40 + "]" * 40 + "}",  # parsed, but deeper than the limit (32)
    ],
    ids=["array-1000", "object-1000", "array-100k", "field-40"],
)
def test_deeply_nested_json_is_400_json_too_deep_without_a_traceback(
    key_client, body, no_traceback
):
    """PLT-05: JSON nested 1,000 deep (or just past the 32-level limit) answers 400
    ``json_too_deep`` and logs no traceback; nothing is created. With an Idempotency-Key too."""
    client = key_client()
    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": "deep-1"}):
        response = client.post(
            "/api/v1/complaints/", body, content_type="application/json", **headers
        )
        assert response.status_code == 400, response.content
        assert response.json() == {
            "code": "json_too_deep",
            "message": "The JSON body is nested too deeply.",
            "details": None,
        }
    assert Complaint.objects.count() == 0


def test_json_within_the_depth_limit_is_parsed_normally(key_client):
    """PLT-05: 32 levels are fine; the serializer then judges the content (400
    ``invalid``, not ``json_too_deep``)."""
    client = key_client()
    body = json.dumps({**BODY, "description": [[[[["x"]]]]]})
    response = client.post("/api/v1/complaints/", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v1/complaints/1/nope/", "/api/v2/x"]
)
def test_unknown_api_path_is_a_json_404_for_every_method_even_with_csrf_enforced(method, path):
    """PLT-05: a POST/PUT/PATCH/DELETE to an unknown API path answers the JSON 404,
    not Django's HTML CSRF 403 (the API is CSRF-exempt: no cookie is ever a credential)."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = getattr(client, method)(path, "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "not_found",
        "message": "No API endpoint at this path.",
        "details": None,
    }


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "FOO"])
def test_unknown_method_on_a_known_path_is_a_json_405(key_client, method):
    """PLT-05: a method an endpoint does not have answers JSON 405 with the error
    format (also a made-up method)."""
    client = key_client()
    response = client.generic(method, "/api/v1/me/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["code"], body["details"]) == ("method_not_allowed", None)


@pytest.mark.parametrize(
    "key",
    ["k" * 256, "with\x01control", "tab\there", "del\x7f", "", "ключ"],
    ids=["256-chars", "control", "tab", "del", "empty", "non-ascii"],
)
def test_bad_idempotency_key_is_400_and_runs_nothing(key_client, key):
    """PLT-05: an Idempotency-Key longer than 255 characters or with a character that
    is not printable ASCII answers 400 ``invalid_idempotency_key``; nothing is created."""
    client = key_client()
    response = client.post(
        "/api/v1/complaints/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_idempotency_key",
        "message": "Idempotency-Key must be 1 to 255 printable ASCII characters.",
        "details": None,
    }
    assert Complaint.objects.count() == 0


def test_idempotency_key_of_exactly_255_printable_characters_is_accepted(key_client):
    """PLT-05: the boundary: 255 printable characters (spaces inside allowed) work."""
    client = key_client()
    key = ("a b~" * 64)[:255]
    first = client.post(
        "/api/v1/complaints/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    again = client.post(
        "/api/v1/complaints/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1


def test_schema_declares_the_idempotency_key_header_with_its_limits(client):
    """PLT-05: every partner POST declares the Idempotency-Key header: a string of 1 to
    255 printable ASCII characters; no other method declares it."""
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    posts = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            headers = [
                p
                for p in operation.get("parameters", [])
                if p["in"] == "header" and p["name"] == "Idempotency-Key"
            ]
            if method != "post":
                assert headers == [], (method, path)
                continue
            posts += 1
            [header] = headers
            assert header.get("required", False) is False
            assert header["schema"] == {
                "type": "string",
                "minLength": 1,
                "maxLength": 255,
                "pattern": "^[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?$",
            }
    assert posts >= 3
