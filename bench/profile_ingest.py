"""Profile the ingestion of batches of 500 events (issue 19, "Speed"): where a batch's time goes,
by cumulative and by own time (cProfile), in a throwaway copy of the migrated template
(``benchlib.migrated_database``).

    DATABASE_URL=postgres://... .venv/bin/python bench/profile_ingest.py
    PROFILE_BATCHES=10 PROFILE_TOP=40 PROFILE_MIX=life ...

``PROFILE_MIX=scans`` (the default: hub scans, events that move nothing) or ``life`` (arrival,
out for delivery, delivered by proxy: events that move the shipment and open work).
"""

import cProfile
import datetime as dt
import json
import os
import time
from pathlib import Path

import bench_tracking as bt  # sets Django up
from benchlib import migrated_database, profile_print
from django.db import connection
from django.test.utils import setup_test_environment
from django.utils import timezone

BATCHES = int(os.environ.get("PROFILE_BATCHES", "10"))
TOP = int(os.environ.get("PROFILE_TOP", "35"))
MIX = os.environ.get("PROFILE_MIX", "scans")


def profile_batches() -> None:
    from courier.models import Shipment
    from tracking.services import tracking_events_ingest

    partner, user, _plain = bt.seed()
    now = timezone.now()
    lo, hi = bt.shipments_add(bt.BATCH * BATCHES, state="in_transit", updated_at=now)
    waybills = list(
        Shipment.objects.filter(pk__range=(lo, hi))
        .order_by("pk")
        .values_list("waybill_number", flat=True)
    )
    first = bt._batches(waybills, [("in_transit", "")], now - dt.timedelta(days=1))
    bt.ingest(partner, user, first)  # the tracking rows exist, as for a parcel on its way
    bt.analyze()
    rounds = (
        [("in_transit", "")]
        if MIX == "scans"
        else [("arrived_at_station", ""), ("out_for_delivery", ""), ("delivered", "by_proxy")]
    )
    bodies = bt._batches(waybills, rounds, now - dt.timedelta(hours=6))
    items = [json.loads(body)["events"] for body in bodies]
    profile = cProfile.Profile()
    started = time.perf_counter()
    with bt.db_timer() as in_db:
        profile.enable()
        for batch in items:
            tracking_events_ingest(partner, batch, user=user)
        profile.disable()
    elapsed = time.perf_counter() - started
    events = sum(len(b) for b in items)
    print(
        f"{len(items)} batches, {events} events ({MIX}) in {elapsed:.2f} s under the profiler: "
        f"{events / elapsed:,.0f} ev/s, {in_db[0] / elapsed:.0%} in the database driver"
    )
    profile_print(profile, TOP)


def main():
    setup_test_environment()
    with migrated_database(Path(str(connection.settings_dict["NAME"])).stem):
        profile_batches()


if __name__ == "__main__":
    main()
