"""Issue 14 item 3: authentication and throttling are cheap. The key is looked up by one
statement compiled once per process, nothing is cached between requests (so revocation holds on
the next request), the throttle is a fixed-window counter (one integer per key, whatever the
rate), and on Redis one client per process answers each hit in one round trip."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.settings import api_settings

from courier.core.api import throttling
from courier.core.api.authentication import key_lookup
from courier.core.services.apikeys import partner_api_key_revoke

pytestmark = pytest.mark.django_db

ON_REDIS = settings.CACHES["default"]["BACKEND"] in throttling._REDIS_BACKENDS
ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _fresh_counters():
    throttling.throttle_cache.reset()
    yield
    throttling.throttle_cache.reset()


def test_me_costs_one_query_the_key_lookup(key_client):
    """API-02: GET /api/v1/me/ runs exactly one SQL statement: the key of the prefix joined to
    its partner and service user (no query per related object)."""
    client = key_client()
    client.get("/api/v1/me/")  # the statement is compiled on the first request
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["partner"]["code"] == client.partner.code
    # Inside the test's transaction the base wraps the request in a savepoint (not in service).
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert [s.split()[0] for s in sqls] == ["SAVEPOINT", "SELECT", "RELEASE"]
    sql = sqls[1]
    assert "courier_partnerapikey" in sql and "JOIN" in sql and client.key.prefix in sql


def test_lookup_attaches_partner_and_service_user_without_queries(key_client):
    """API-02: the looked-up key carries its partner and the partner's service user."""
    client = key_client()
    with CaptureQueriesContext(connection) as ctx:
        key = key_lookup().get_from_key(client.plain)
        partner, user = key.partner, key.partner.service_user
    assert len(ctx.captured_queries) == 1
    assert (key.pk, partner.pk, user.pk) == (
        client.key.pk,
        client.partner.pk,
        client.partner.service_user_id,
    )
    assert key.scopes == client.key.scopes and isinstance(key.scopes, list)
    assert key_lookup().get_from_key(client.plain + "x") is None
    assert key_lookup().get_from_key("nope.nope") is None


def test_revocation_and_deactivation_hold_on_the_very_next_request(key_client):
    """API-02: no key is cached between requests: revoking a key, or deactivating its partner,
    refuses the next request."""
    client = key_client()
    other = key_client()
    assert client.get("/api/v1/me/").status_code == 200
    partner_api_key_revoke(client.key)
    revoked = client.get("/api/v1/me/")
    assert (revoked.status_code, revoked.json()["code"]) == (401, "invalid_key")
    assert other.get("/api/v1/me/").status_code == 200
    other.partner.is_active = False
    other.partner.save(update_fields=["is_active"])
    inactive = other.get("/api/v1/me/")
    assert (inactive.status_code, inactive.json()["code"]) == (401, "partner_inactive")


def test_fixed_window_counts_one_integer_and_refuses_with_retry_after(key_client, monkeypatch):
    """API-02: a key's budget is one counter: 5/min lets 5 requests through, the 6th gets 429
    with Retry-After of at most the window; the counter is one integer whatever the limit."""
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "partner_key", "5/min")
    client = key_client()
    statuses = [client.get("/api/v1/me/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    key = f"throttle_partner_key_{client.key.prefix}"
    count, left = throttling.throttle_cache.peek(key)
    assert count == 7 and 0 < left <= 60


def test_memory_fallback_is_bounded():
    """API-02: the per-process fallback keeps at most its bound of counters."""
    counters = throttling.MemoryCounters(max_keys=10)
    for i in range(25):
        counters.hit(f"k{i}", 60)
    assert len(counters._data) <= 10
    assert counters.hit("k24", 60)[0] == 2


@pytest.mark.skipif(not ON_REDIS, reason="the Redis pass (REDIS_URL) only")
def test_on_redis_one_client_per_process_and_one_round_trip_per_hit(key_client, monkeypatch):
    """API-02: on Redis every request reuses one client and costs one round trip: one pipeline
    that counts the key's request and reads the address' invalid-key counter (SET NX, INCR,
    TTL, GET, TTL); the counter is a plain integer."""
    import redis

    client = key_client()
    client.get("/api/v1/me/")
    config = settings.CACHES["default"]
    shared = throttling._redis_client(config)
    round_trips = []
    real_execute = redis.client.Pipeline.execute
    real_command = redis.Redis.execute_command

    def pipeline_execute(self, *args, **kwargs):
        round_trips.append(("pipeline", len(self.command_stack)))
        return real_execute(self, *args, **kwargs)

    def command(self, *args, **kwargs):
        round_trips.append(("command", args[0]))
        return real_command(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", pipeline_execute)
    monkeypatch.setattr(redis.Redis, "execute_command", command)
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200
    assert round_trips == [("pipeline", 5)] * 3
    assert throttling._redis_client(dict(config)) is shared
    from django.core.cache import cache

    raw = shared.get(cache.make_key(f"fw:throttle_partner_key_{client.key.prefix}"))
    assert raw == b"4"


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL pass (DATABASE_URL) only")
def test_health_check_sends_nothing_and_still_sees_a_terminated_connection(monkeypatch):
    """API-02: the connection health check before a request's first query asks the socket,
    not the server (no SELECT 1 round trip); a connection the server ended (here
    pg_terminate_backend) is seen as unusable and replaced."""
    import time

    from django.db import connections

    other = connections.create_connection("default")
    try:
        other.ensure_connection()
        sent = []
        real_cursor = type(other.connection).cursor
        monkeypatch.setattr(
            type(other.connection),
            "cursor",
            lambda self, *a, **k: sent.append("cursor") or real_cursor(self, *a, **k),
        )
        assert other.is_usable() is True
        assert sent == []  # no statement for a healthy idle connection
        monkeypatch.undo()
        pid = other.connection.info.backend_pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while other.is_usable() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert other.is_usable() is False
        other.health_check_enabled, other.health_check_done = True, False
        with other.cursor() as cursor:  # Django's check replaces the dead connection
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        assert other.connection.info.backend_pid != pid
    finally:
        other.close()
