"""PLT-03, PLT-06 (issue 12 items 4 and 6): the API keeps answering with the cache Redis down
(per-process throttles, logged once per interval; idempotency in the database) and invalid keys are
throttled per client address."""

import logging

import pytest
from django.test import Client, override_settings
from rest_framework.settings import api_settings

from complaints.models import Complaint
from courier.core.api.throttling import throttle_cache

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture(autouse=True)
def _fresh_fallback():
    throttle_cache.reset()
    yield
    throttle_cache.reset()


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**rates):
        monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "partner_key", "1000/min")
        for scope, rate in rates.items():
            monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, scope, rate)

    return set_rates


def test_me_answers_200_with_the_cache_down_and_throttling_still_limits(key_client, rates, caplog):
    """PLT-03: with the cache Redis unreachable GET /api/v1/me/ answers 200, the
    per-key limit still applies (per process: the 4th of 3/min is 429) and the fallback is
    logged once, not once per request."""
    rates(partner_key="3/min")
    client = key_client()
    with override_settings(CACHES=DEAD_REDIS), caplog.at_level(logging.WARNING):
        statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    fallback_lines = [r for r in caplog.records if r.name == "courier.api.throttling"]
    assert len(fallback_lines) == 1
    assert "limiting per process" in fallback_lines[0].getMessage()
    # One counter operation per request (the key's count with its address' invalid-key
    # counter), each in the process memory.
    assert throttle_cache.fallbacks == 4


def test_idempotent_post_with_the_cache_down_runs_once_and_replays(key_client, rates):
    """PLT-03: the idempotency record is in the database, so with the cache down a
    keyed POST answers 201 once and the retry replays it (one complaint)."""
    rates()
    client = key_client()
    body = {
        "category": "delay",
        "description": "三天未到",
        "customer_name": "王先生",
        "customer_phone": "13800000000",
    }
    with override_settings(CACHES=DEAD_REDIS):
        first, again = (
            client.post(
                "/api/v1/complaints/",
                body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="cache-down-1",
            )
            for _ in range(2)
        )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Complaint.objects.count() == 1


def test_invalid_keys_are_throttled_per_client_address(key_client, rates):
    """PLT-06: after 3 invalid keys (rate 3/min) an address gets 429 with Retry-After
    for whatever key it presents, even a valid one (so it cannot tell one from the other);
    another address is unaffected, and a forged X-Forwarded-For does not make a new address."""
    rates(invalid_key="3/min")
    good = key_client()
    bad = Client(HTTP_AUTHORIZATION="Bearer nope.nope", REMOTE_ADDR="203.0.113.7")
    first = [bad.get("/api/v1/me/") for _ in range(3)]
    assert [(r.status_code, r.json()["code"]) for r in first] == [(401, "invalid_key")] * 3
    blocked = bad.get("/api/v1/me/")
    assert (blocked.status_code, blocked.json()["code"]) == (429, "throttled")
    assert int(blocked["Retry-After"]) >= 1
    spoofed = bad.get("/api/v1/me/", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert spoofed.status_code == 429
    same_address_valid = good.get("/api/v1/me/", REMOTE_ADDR="203.0.113.7")
    assert same_address_valid.status_code == 429
    assert good.get("/api/v1/me/", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_invalid_key_throttle_also_works_with_the_cache_down(rates):
    """PLT-06, PLT-03: the per-address limit falls back to the process too."""
    rates(invalid_key="2/min")
    bad = Client(HTTP_AUTHORIZATION="Bearer nope.nope", REMOTE_ADDR="203.0.113.9")
    with override_settings(CACHES=DEAD_REDIS):
        statuses = [bad.get("/api/v1/me/").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
