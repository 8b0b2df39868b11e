"""Benchmark: the SLA sweep's cost does not grow with the number of open complaints (CMP-03).

Times ``sla_sweep()`` escalating DUE complaints among a small and a large table of open
complaints (the rest are not due: a future ``next_check_at`` or none) and prints the ratio. The
sweep reads through the partial index on ``next_check_at``, so the ratio must stay at most 2.

    .venv/bin/python bench/bench_complaints_sweep.py               # 100 due: 10,000 vs 100,000
    BENCH_FULL=1 .venv/bin/python bench/bench_complaints_sweep.py   # ... 10,000 vs 1,000,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/courier_bench ...  # on PostgreSQL

It runs in a throwaway test database (``test_<name>``), created and dropped here.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
os.environ.setdefault("COURIER_VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

FULL = os.environ.get("BENCH_FULL") == "1"
SMALL, LARGE = (10_000, 1_000_000) if FULL else (10_000, 100_000)
DUE = int(os.environ.get("BENCH_DUE", "100"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BATCH = 5_000


def _row(now, i, due: bool):
    from complaints.models import Complaint

    received = now - timedelta(minutes=40) if due else now - timedelta(minutes=i % 600)
    respond_by = received + timedelta(minutes=30)
    return Complaint(
        channel="hotline",
        customer_name="bench",
        customer_phone="1",
        category="delay",
        severity="major",
        description="bench",
        received_at=received,
        clock_started_at=received,
        respond_by=respond_by,
        resolve_by=received + timedelta(minutes=240),
        response_warned_at=now if due else None,
        # Not due: the next check is in the future, or nothing pending (every 3rd row).
        next_check_at=respond_by if due else (None if i % 3 == 0 else now + timedelta(hours=1)),
    )


def grow_to(total: int) -> None:
    from complaints.models import Complaint

    now = timezone.now()
    have = Complaint.objects.count()
    if connection.vendor == "postgresql" and total - have > BATCH:
        # Copy one template row n times in SQL: a million rows in seconds, not minutes.
        template = Complaint.objects.bulk_create([_row(now, 1, False)])[0]
        cols = [f.column for f in Complaint._meta.concrete_fields if f.column != "id"]
        col_list = ", ".join(f'"{c}"' for c in cols)
        select_list = col_list.replace(
            '"next_check_at"', "CASE WHEN g %% 3 = 0 THEN NULL ELSE next_check_at END"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO complaints_complaint ({col_list}) SELECT {select_list} "
                "FROM complaints_complaint, generate_series(1, %s) AS g WHERE id = %s",
                [total - have - 1, template.pk],
            )
        have = total
    while have < total:
        n = min(BATCH, total - have)
        Complaint.objects.bulk_create([_row(now, have + i, False) for i in range(n)])
        have += n
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE complaints_complaint")


def measure() -> float:
    """Median seconds of a sweep that escalates DUE fresh due complaints."""
    from complaints.models import Complaint
    from complaints.services import sla_sweep

    times = []
    for _ in range(ROUNDS):
        now = timezone.now()
        Complaint.objects.bulk_create([_row(now, i, True) for i in range(DUE)])
        started = time.perf_counter()
        counts = sla_sweep()
        times.append(time.perf_counter() - started)
        assert counts["escalated"] == DUE, counts
    return statistics.median(times)


def main():
    from complaints.models import ComplaintSettings

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        cfg = ComplaintSettings.load()
        cfg.sweep_batch_size = 200
        cfg.save()
        results = {}
        for size in (SMALL, LARGE):
            started = time.perf_counter()
            grow_to(size)
            print(f"{size:>9,} open complaints ready in {time.perf_counter() - started:.1f} s")
            results[size] = measure()
            print(f"  sweep escalating {DUE} due: {results[size] * 1000:.1f} ms (median)")
        ratio = results[LARGE] / results[SMALL]
        print(
            f"ratio {DUE} due among {LARGE:,} vs {SMALL:,}: {ratio:.2f} "
            f"({'OK' if ratio <= 2 else 'OVER'} the 2.00 limit) on {connection.vendor}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
