"""Benchmark: real Celery beat + worker escalate complaints on time, exactly once (CMP-03).

COUNT complaints whose first-response deadlines fall evenly over SPAN seconds are created; a real
``celery beat`` (database scheduler, the ``complaints-sla-sweep`` job, every 2 s) and real
``celery worker`` processes run until every one is escalated. Prints how many were escalated,
whether any twice, and the p50 / p99 / max delay from deadline to escalation (target p99 <= 5 s;
see also ``bench_escalation_lag.py``, which also measures the idle cost).

    .venv/bin/python bench/bench_complaints_worker.py               # 200 complaints over 60 s
    BENCH_FULL=1 .venv/bin/python bench/bench_complaints_worker.py  # 1,000 over 120 s (the issue)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/courier_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/bench_complaints_worker.py

It runs in a throwaway test database (``test_<name>``), created and dropped here.
"""

import os
import subprocess
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
COUNT = int(os.environ.get("BENCH_COUNT", "1000" if FULL else "200"))
SPAN = int(os.environ.get("BENCH_SPAN_SECONDS", "120" if FULL else "60"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
LEAD = 20  # seconds from start to the first deadline (processes boot meanwhile)


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def populate(start):
    from django.contrib.auth.models import Group

    from complaints.models import Complaint
    from tests.factories import EmployeeFactory, UserFactory

    sup_user = UserFactory(username="bench-supervisor")
    sup_user.groups.add(Group.objects.get(name="supervisor"))
    supervisor = EmployeeFactory(user=sup_user, position="supervisor")
    agent = EmployeeFactory(user=UserFactory(username="bench-agent"), supervisor=supervisor)
    rows = []
    for i in range(COUNT):
        deadline = start + timedelta(seconds=LEAD + SPAN * i / max(COUNT - 1, 1))
        received = deadline - timedelta(minutes=30)
        rows.append(
            Complaint(
                channel="hotline",
                customer_name=f"bench {i}",
                customer_phone="1",
                category="delay",
                severity="major",
                description="bench",
                assigned_agent=agent,
                received_at=received,
                clock_started_at=received,
                respond_by=deadline,
                resolve_by=received + timedelta(minutes=240),
                response_warned_at=received,
                next_check_at=deadline,
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=1000)


def spawn(args, env):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "courier", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main():
    from complaints.models import Complaint, Escalation
    from courier.periodic import periodic_jobs_sync

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    procs = []
    try:
        periodic_jobs_sync()
        start = timezone.now()
        populate(start)
        env = {**os.environ, "DATABASE_URL": database_url()}
        procs.append(
            spawn(
                [
                    "beat",
                    "--scheduler",
                    "django_celery_beat.schedulers:DatabaseScheduler",
                    "--loglevel=WARNING",
                    "--schedule",
                    str(Path(os.environ["COURIER_VAR_DIR"]) / "bench-beat"),
                ],
                env,
            )
        )
        for n in range(WORKERS):
            procs.append(
                spawn(
                    [
                        "worker",
                        "--pool=solo",
                        f"--hostname=bench{n}@%h",
                        "--without-mingle",
                        "--without-gossip",
                        "--loglevel=WARNING",
                    ],
                    env,
                )
            )
        give_up = time.monotonic() + LEAD + SPAN + 150
        done = 0
        while time.monotonic() < give_up:
            done = Escalation.objects.count()
            if done >= COUNT:
                break
            time.sleep(2)
        delays = sorted(
            (e.escalated_at - e.deadline).total_seconds()
            for e in Escalation.objects.exclude(deadline=None)
        )
        per_complaint = Complaint.objects.filter(escalations__isnull=False).distinct().count()
        if not delays:
            print("nothing escalated: is the broker reachable?")
            return

        def pct(p):
            return delays[min(len(delays) - 1, int(len(delays) * p))]

        print(
            f"{len(delays)}/{COUNT} escalated ({per_complaint} distinct complaints) on "
            f"{connection.vendor}, {WORKERS} worker(s)"
        )
        print(f"escalated twice: {len(delays) - per_complaint}")
        print(
            f"delay deadline→escalation: p50 {pct(0.5):.1f} s, p99 {pct(0.99):.1f} s, "
            f"max {delays[-1]:.1f} s"
        )
        print(
            f"ratio p99 / 5 s target: {pct(0.99) / 5:.2f} "
            f"({'OK' if pct(0.99) <= 5 and len(delays) == COUNT else 'FAIL'})"
        )
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
