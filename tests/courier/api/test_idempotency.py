import time
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.request import Request

from courier.core.api.idempotency import (
    idempotency_begin,
    idempotency_records_purge,
    request_fingerprint,
)
from courier.core.models import IdempotencyRecord, WebhookEndpoint
from tests.courier.api import testapp

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.courier.api.testapp")]


def _fingerprint(body: str, path="/api/t/endpoints/") -> str:
    """The fingerprint the base computes for a POST of ``body`` to ``path``."""
    raw = RequestFactory().post(path, body, content_type="application/json")
    return request_fingerprint(Request(raw))


def _post(client, body, key, path="/api/t/endpoints/"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(path, body, content_type="application/json", **headers)


def test_replay_returns_the_first_status_and_body_without_running_again(key_client):
    """API-05: same key + same body → the first response, the work done once."""
    client = key_client()
    first = _post(client, {"url": "https://x.example/a"}, "order-1001")
    assert first.status_code == 201
    again = _post(client, {"url": "https://x.example/a"}, "order-1001")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert WebhookEndpoint.objects.filter(partner=client.partner).count() == 1
    # JSON compared by content: other key order and spacing is the same request.
    same = client.post(
        "/api/t/endpoints/",
        '{ "url" :  "https://x.example/a" }',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="order-1001",
    )
    assert same.status_code == 201 and same.json() == first.json()
    # Without a key each POST runs.
    assert _post(client, {"url": "https://x.example/a"}, None).status_code == 201
    assert WebhookEndpoint.objects.filter(partner=client.partner).count() == 2


def test_errors_below_500_are_replayed_too(key_client):
    """API-05: a 400 is the stored answer for that key and body."""
    client = key_client()
    first = _post(client, {"url": "not a url"}, "k-400")
    assert first.status_code == 400
    again = _post(client, {"url": "not a url"}, "k-400")
    assert (again.status_code, again.json()) == (400, first.json())


def test_same_key_with_a_different_body_gets_422(key_client):
    """API-05: the key is bound to the first request."""
    client = key_client()
    assert _post(client, {"url": "https://x.example/a"}, "k1").status_code == 201
    response = _post(client, {"url": "https://x.example/b"}, "k1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert WebhookEndpoint.objects.count() == 1


def test_replay_while_the_first_is_in_flight_gets_409(key_client):
    """API-05: a concurrent replay does not run the work a second time."""
    client = key_client()
    # The first request has claimed the key and is still running (claimed exactly as the base
    # does for a request to this path with this body).
    testapp.WRITES["count"] = 0
    body = '{"url":"https://x.example/a"}'
    fingerprint = _fingerprint(body)
    record, replay = idempotency_begin(
        client.partner, "k-busy", fingerprint, "POST", "/api/t/endpoints/"
    )
    assert replay is None and record.state == IdempotencyRecord.IN_FLIGHT
    response = client.post(
        "/api/t/endpoints/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-busy"
    )
    assert (response.status_code, response.json()["code"]) == (
        409,
        "idempotency_request_in_flight",
    )
    assert testapp.WRITES["count"] == 0


def test_abandoned_in_flight_key_is_taken_over_after_the_lock_time(key_client, time_machine):
    """API-05: a crashed first request does not block the key forever."""
    client = key_client()
    body = '{"url":"https://x.example/a"}'
    fingerprint = _fingerprint(body)
    idempotency_begin(client.partner, "k-crash", fingerprint, "POST", "/api/t/endpoints/")
    time_machine.move_to(timezone.now() + timedelta(seconds=121))
    response = client.post(
        "/api/t/endpoints/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-crash"
    )
    assert response.status_code == 201


def test_keys_are_per_partner_and_kept_24_hours(key_client, time_machine):
    """API-05: (partner, key) is the scope; records live at least 24 hours, then are purged."""
    a, b = key_client(), key_client()
    assert _post(a, {"url": "https://x.example/a"}, "shared").status_code == 201
    assert _post(b, {"url": "https://x.example/b"}, "shared").status_code == 201
    assert WebhookEndpoint.objects.count() == 2
    time_machine.move_to(timezone.now() + timedelta(hours=23, minutes=59))
    assert idempotency_records_purge() == 0
    assert _post(a, {"url": "https://x.example/a"}, "shared")["Idempotent-Replayed"] == "true"
    time_machine.move_to(timezone.now() + timedelta(hours=1))
    assert idempotency_records_purge() == 2
    assert IdempotencyRecord.objects.count() == 0


def test_key_longer_than_255_is_refused_and_255_accepted(key_client):
    """API-05: keys up to 255 characters."""
    client = key_client()
    response = _post(client, {"url": "https://x.example/a"}, "k" * 256)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_idempotency_key")
    assert _post(client, {"url": "https://x.example/a"}, "k" * 255).status_code == 201


def test_a_5xx_is_not_stored_so_the_client_can_retry(key_client):
    """API-05: an unexpected failure frees the key; the error is JSON, not an HTML page."""
    client = key_client()
    endpoint = WebhookEndpoint.objects.create(partner=client.partner, url="https://x.example/")
    from django.test import Client

    client = Client(
        HTTP_AUTHORIZATION=client.defaults["HTTP_AUTHORIZATION"], raise_request_exception=False
    )
    response = _post(client, {"endpoint": endpoint.pk, "note": "boom"}, "k-5xx", "/api/t/ping/")
    assert (response.status_code, response.json()["code"]) == (500, "server_error")
    assert not IdempotencyRecord.objects.filter(key="k-5xx").exists()
    before = testapp.WRITES["count"]
    again = _post(client, {"endpoint": endpoint.pk, "note": "boom"}, "k-5xx", "/api/t/ping/")
    assert again.status_code == 500 and "Idempotent-Replayed" not in again
    assert testapp.WRITES["count"] == before + 1  # it really ran again


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_replay_gets_409_while_the_first_runs(key_client):
    """API-05: two simultaneous requests with one key: one runs, the other gets 409."""
    import threading

    from django.db import connection
    from django.test import Client

    api = key_client()
    endpoint = WebhookEndpoint.objects.create(partner=api.partner, url="https://x.example/")
    auth = api.defaults["HTTP_AUTHORIZATION"]
    results = {}

    def call(name):
        try:
            response = _post(
                Client(HTTP_AUTHORIZATION=auth),
                {"endpoint": endpoint.pk, "note": "slow"},
                "k-race",
                "/api/t/ping/",
            )
            results[name] = response.status_code
        finally:
            connection.close()

    first = threading.Thread(target=call, args=("first",))
    first.start()
    time.sleep(0.5)
    call_second = threading.Thread(target=call, args=("second",))
    call_second.start()
    first.join()
    call_second.join()
    assert results == {"first": 201, "second": 409}
    replay = _post(
        Client(HTTP_AUTHORIZATION=auth),
        {"endpoint": endpoint.pk, "note": "slow"},
        "k-race",
        "/api/t/ping/",
    )
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
