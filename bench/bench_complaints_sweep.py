"""Benchmark: the SLA sweep's cost does not grow with the number of open complaints (CMP-03).

Times ``sla_sweep()`` escalating DUE complaints among a small and a large table of open
complaints (the rest are not due: a future ``next_check_at`` or none) and prints the ratio. The
sweep reads through the partial index on ``next_check_at``, so the ratio must stay at most 2.
The two sizes are measured interleaved (small, large, small, large, ... ``BENCH_PAIRS`` >= 5
pairs after a warm-up pair), each on its own copy of a seeded template database that later runs
reuse while the migrations did not change (``benchlib.seeded_database``).

    .venv/bin/python bench/bench_complaints_sweep.py               # 100 due: 10,000 vs 100,000
    BENCH_FULL=1 .venv/bin/python bench/bench_complaints_sweep.py   # ... 10,000 vs 1,000,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/courier_bench ...  # on PostgreSQL

On SQLite each size is seeded into a throwaway test database every run.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
os.environ.setdefault("COURIER_VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

FULL = os.environ.get("BENCH_FULL") == "1"
SMALL, LARGE = (10_000, 1_000_000) if FULL else (10_000, 100_000)
DUE = int(os.environ.get("BENCH_DUE", "100"))
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


def sweep_seconds() -> float:
    """Seconds of one sweep that escalates DUE fresh due complaints (their insert untimed)."""
    from complaints.models import Complaint
    from complaints.services import sla_sweep

    now = timezone.now()
    Complaint.objects.bulk_create([_row(now, i, True) for i in range(DUE)])
    started = time.perf_counter()
    counts = sla_sweep()
    elapsed = time.perf_counter() - started
    assert counts["escalated"] == DUE, counts
    return elapsed


def _seed(size: int):
    def seed():
        from complaints.models import ComplaintSettings

        cfg = ComplaintSettings.load()
        cfg.sweep_batch_size = 200
        cfg.save()
        grow_to(size)

    return seed


def main():
    from benchlib import PAIRS, interleaved, ratio_line, seeded_database, use

    with (
        seeded_database(f"sweep{SMALL}", _seed(SMALL), copy="small") as small,
        seeded_database(f"sweep{LARGE}", _seed(LARGE), copy="large") as large,
    ):
        times = {small: [], large: []}

        def on(name):
            def measure():
                use(name)  # switching databases is outside the timing
                elapsed = sweep_seconds()
                times[name].append(elapsed)
                return elapsed

            return measure

        ratios = interleaved(on(small), on(large), pairs=PAIRS)
        for name, size in ((small, SMALL), (large, LARGE)):
            kept = times[name][1:]  # without the warm-up
            print(
                f"  sweep escalating {DUE} due among {size:,} open: "
                f"{statistics.median(kept) * 1000:.1f} ms median "
                f"(min {min(kept) * 1000:.1f}, max {max(kept) * 1000:.1f})"
            )
        print(
            ratio_line(
                f"sla sweep time {LARGE:,} / {SMALL:,} open ({connection.vendor})",
                ratios,
                "<=",
                2.0,
            )
        )


if __name__ == "__main__":
    main()
