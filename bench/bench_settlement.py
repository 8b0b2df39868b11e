"""Benchmark: settling a department's month (SCR-04) at two sizes.

Prints the queries, time and tracemalloc peak of computing, submitting and approving the
settlement of a small and a large department with EVENTS events per employee, and the ratios.
The number of queries must not grow with the number of employees (the ledger is aggregated in
the database, lines and fund entries are bulk-inserted), and memory stays bounded (nothing
proportional to the number of events is held).

    .venv/bin/python bench/bench_settlement.py                        # 100 vs 1,000 employees
    BENCH_FULL=1 .venv/bin/python bench/bench_settlement.py           # 500 vs 5,000 (the issue)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/courier_bench ...  # on PostgreSQL

It runs in a throwaway test database (``test_<name>``), created and dropped here.
"""

import os
import sys
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
os.environ.setdefault("COURIER_VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

FULL = os.environ.get("BENCH_FULL") == "1"
SMALL, LARGE = (500, 5000) if FULL else (100, 1000)
EVENTS = int(os.environ.get("BENCH_EVENTS", "30"))
MARCH = date(2026, 3, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def populate(code: str, employees: int):
    from staffing.models import Department, Employee, ScoreEvent, ScoreRule

    User = get_user_model()
    department = Department.objects.create(code=code, name=code)
    users = User.objects.bulk_create(
        [User(username=f"{code}-{i}", is_staff=True) for i in range(employees)], batch_size=2000
    )
    people = Employee.objects.bulk_create(
        [
            Employee(
                user=u,
                number=f"{code}-{i:05d}",
                name=f"员工{i}",
                department=department,
                position="supervisor" if i == 0 else "agent",
                daily_wage=200,
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    rules = list(ScoreRule.objects.filter(code__in=["G5", "G9", "G8", "G1", "G11"]))
    batch = []
    for n, person in enumerate(people):
        for k in range(EVENTS):
            rule = rules[(n + k) % len(rules)]
            batch.append(
                ScoreEvent(
                    employee=person,
                    rule=rule,
                    points=rule.points,
                    cash=-rule.cash_amount,
                    costs_attendance_bonus=rule.costs_attendance_bonus,
                    occurred_at=datetime(2026, 3, 1 + k % 28, 10, tzinfo=SHANGHAI),
                    month=MARCH,
                )
            )
        if len(batch) >= 10000:
            ScoreEvent.objects.bulk_create(batch)
            batch = []
    ScoreEvent.objects.bulk_create(batch)
    return department


def measure(department, boss):
    from staffing.services.settlement import (
        settlement_approve,
        settlement_compute,
        settlement_get,
        settlement_submit,
    )

    settlement = settlement_get(department, MARCH)
    tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        settlement = settlement_compute(settlement, user=boss)
        settlement = settlement_submit(settlement, user=boss)
        settlement = settlement_approve(settlement, user=boss)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert settlement.state == "settled", settlement.state
    return len(queries), elapsed, peak, settlement.lines.count()


def main():
    from django.test.utils import setup_test_environment

    setup_test_environment()
    vendor = connection.vendor
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        boss = get_user_model().objects.create_superuser("bench-boss", password="x")
        if vendor != "postgresql":
            print("note: not PostgreSQL; set DATABASE_URL for the figures the issue asks for")
        print(f"database: {vendor}; {EVENTS} events per employee")
        results = {}
        for size in (SMALL, LARGE):
            t0 = time.perf_counter()
            department = populate(f"bench-{size}", size)
            print(f"  populated {size} employees in {time.perf_counter() - t0:.1f}s")
            results[size] = measure(department, boss)
            q, s, peak, lines = results[size]
            print(
                f"{size:>6} employees ({size * EVENTS:>7} events): {q:>3} queries, {s:6.2f}s, "
                f"peak {peak / 1e6:6.1f} MB ({peak / size / 1024:.1f} KB/employee), {lines} lines"
            )
        (q1, s1, m1, _), (q2, s2, m2, _) = results[SMALL], results[LARGE]
        print(f"employees ratio: {LARGE / SMALL:.1f}x")
        print(f"queries ratio:   {q2 / q1:.2f}x  ({q1} → {q2}; must be 1.00)")
        print(f"time ratio:      {s2 / s1:.2f}x")
        print(f"memory ratio:    {m2 / m1:.2f}x  (per employee, not per event)")
        if q2 != q1:
            if vendor == "postgresql":
                print("FAIL: the number of queries grows with the number of employees")
                return 1
            print("note: SQLite splits bulk inserts by its parameter limit; PostgreSQL does not")
        return 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
