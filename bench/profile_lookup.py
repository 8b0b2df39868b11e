"""Profile the public lookup (issue 19 item 10, "Speed"): per request, the queries (counted and
listed), the cache (Redis) round trips, and where the time goes (cProfile), for the page
``/track/?waybill=`` and ``/api/v1/track/<waybill>/``, in-process through Django's test client
(the same middleware as under gunicorn), in a throwaway copy of the migrated template.

    DATABASE_URL=postgres://... REDIS_URL=redis://.../N .venv/bin/python bench/profile_lookup.py
    PROFILE_REQUESTS=300 PROFILE_TOP=40 PROFILE_PATH=page|api|trivial ...
"""

import cProfile
import datetime as dt
import os
import time
from pathlib import Path

import bench_tracking as bt  # sets Django up
from benchlib import migrated_database, profile_print
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "300"))
TOP = int(os.environ.get("PROFILE_TOP", "35"))
PATHS = os.environ.get("PROFILE_PATH", "page,api").split(",")


class CacheCounter:
    """Counts the calls that reach the cache backend (each one a Redis round trip)."""

    def __init__(self):
        from django.core.cache import cache

        self.cache, self.calls, self.saved = cache, [], {}

    def __enter__(self):
        for name in ("get", "set", "add", "incr", "delete", "get_many", "set_many", "touch"):
            real = getattr(self.cache, name)
            self.saved[name] = real

            def wrap(*a, _real=real, _name=name, **kw):
                self.calls.append(_name)
                return _real(*a, **kw)

            setattr(self.cache, name, wrap)
        return self

    def __exit__(self, *exc):
        for name, real in self.saved.items():
            setattr(self.cache, name, real)


def main_profile() -> None:
    from courier.models import Shipment

    partner, user, _plain = bt.seed()
    now = timezone.now()
    lo, hi = bt.shipments_add(bt.BATCH, state="in_transit", updated_at=now)
    waybills = list(
        Shipment.objects.filter(pk__range=(lo, hi))
        .order_by("pk")
        .values_list("waybill_number", flat=True)
    )
    rounds = [("in_transit", ""), ("arrived_at_station", ""), ("in_transit", "")]
    bt.ingest(partner, user, bt._batches(waybills, rounds, now - dt.timedelta(hours=6)))
    bt.analyze()
    client = Client(REMOTE_ADDR="10.1.2.3")
    n = len(waybills)
    urls = {
        "page": lambda i: f"/track/?waybill={waybills[i % n]}",
        "page_full": lambda i: f"/track/?waybill={waybills[i % n]}&phone_last4=5678",
        "api": lambda i: f"/api/v1/track/{waybills[i % n]}/",
        "trivial": lambda i: "/admin/login/",
    }
    for name in PATHS:
        url = urls[name]
        for i in range(20):
            assert client.get(url(i)).status_code == 200
        with CaptureQueriesContext(connection) as ctx, CacheCounter() as cache_calls:
            client.get(url(7))
        print(f"=== {name}: {len(ctx.captured_queries)} queries, cache calls {cache_calls.calls}")
        for q in ctx.captured_queries:
            print(f"  {q['time']} s  {q['sql'][:220]}")
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for i in range(REQUESTS):
            client.get(url(i))
        profile.disable()
        elapsed = time.perf_counter() - started
        print(
            f"{REQUESTS} requests in {elapsed:.2f} s under the profiler: "
            f"{elapsed / REQUESTS * 1000:.2f} ms each"
        )
        profile_print(profile, TOP)


def main():
    setup_test_environment()
    with migrated_database(Path(str(connection.settings_dict["NAME"])).stem):
        main_profile()


if __name__ == "__main__":
    main()
