"""Benchmark (issue 14 point 1): escalation within seconds of its deadline, and what the
sweeping costs at rest (CMP-03).

Mechanism: the SLA sweep is a beat job every few seconds (``complaints-sla-sweep``, its interval
is data: django-celery-beat's schedule, editable in the admin; default ``courier/periodic.py``).
The sweep reads due rows through the partial index on ``next_check_at``, so an idle run costs a
few index probes whatever the number of open complaints.

Part 1 (lag): COUNT major complaints whose first-response deadlines fall evenly over SPAN
seconds; a real ``celery beat`` (database scheduler) and WORKERS real ``celery worker``
processes run until every one is escalated. The delay of each is measured from its deadline to
the moment its escalation notice was written (inside the escalating transaction), not to the
sweep's own clock. Prints escalated / missed / twice and p50, p99, max (target p99 <= 5 s).

Part 2 (cost at rest): the table grown to IDLE_OPEN open complaints, none due (a future next
check, or none); ROUNDS idle sweeps are run in this process; the CPU of each run is this
process's CPU time plus its PostgreSQL backend's (``/proc/<pid>/stat`` of
``pg_backend_pid()``, same machine). Prints the median CPU per run and times the runs per hour
at the job's interval.

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/h_x \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/8 REDIS_URL=redis://127.0.0.1:6379/7 \\
    COURIER_VAR_DIR=/tmp/var/x .venv/bin/python bench/bench_escalation_lag.py
    BENCH_PART=lag|idle ...     # one part only; BENCH_IDLE_OPEN=100000 for a quicker idle part
    BENCH_KEEPDB=1 ...          # keep the migrated test database for the next run

It runs in a throwaway test database (``test_<name>``), created and dropped here.
"""

import os
import statistics
import subprocess
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

COUNT = int(os.environ.get("BENCH_COUNT", "1000"))
SPAN = int(os.environ.get("BENCH_SPAN_SECONDS", "120"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
IDLE_OPEN = int(os.environ.get("BENCH_IDLE_OPEN", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
PART = os.environ.get("BENCH_PART", "both")
LEAD = 15  # seconds from the first sweep run to the first deadline (the rows are written)
KEEPDB = os.environ.get("BENCH_KEEPDB") == "1"  # keep (and reuse) the migrated test database
TARGET_P99 = 5.0


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def sweep_interval() -> int:
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.get(name="complaints-sla-sweep").interval.every


def populate(start):
    from django.contrib.auth.models import Group

    from complaints.models import Complaint
    from tests.factories import EmployeeFactory, UserFactory

    run = int(time.time())  # unique per run: a kept database still holds the last run's people
    sup_user = UserFactory(username=f"bench-supervisor-{run}")
    sup_user.groups.add(Group.objects.get(name="supervisor"))
    supervisor = EmployeeFactory(user=sup_user, position="supervisor", number=f"BS{run}")
    agent = EmployeeFactory(
        user=UserFactory(username=f"bench-agent-{run}"), supervisor=supervisor, number=f"BA{run}"
    )
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
    return sup_user


def spawn(args, env):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "courier", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for_a_worker(give_up: float) -> None:
    """Boot is not lag: one probe complaint, due now, must be escalated by a worker's sweep
    before the measured complaints are written (then it is removed)."""
    from complaints.models import Complaint, Escalation

    now = timezone.now()
    probe = Complaint.objects.create(
        channel="hotline",
        customer_name="probe",
        customer_phone="1",
        category="delay",
        severity="major",
        description="probe",
        received_at=now - timedelta(minutes=30),
        clock_started_at=now - timedelta(minutes=30),
        respond_by=now,
        resolve_by=now + timedelta(minutes=210),
        response_warned_at=now,
        next_check_at=now,
    )
    while time.monotonic() < give_up and not Escalation.objects.filter(complaint=probe).exists():
        time.sleep(1)
    Escalation.objects.filter(complaint=probe).delete()
    probe.delete()


def lag() -> None:
    from complaints.models import Complaint, Escalation
    from courier.core.models import Notification

    env = {**os.environ, "DATABASE_URL": database_url()}
    beat_file = Path(os.environ["COURIER_VAR_DIR"]) / "bench-lag-beat"
    procs = [
        spawn(
            [
                "beat",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--loglevel=WARNING",
                "--schedule",
                str(beat_file),
            ],
            env,
        )
    ]
    for n in range(WORKERS):
        procs.append(
            spawn(
                [
                    "worker",
                    "--pool=solo",
                    f"--hostname=lag{n}@%h",
                    "--without-mingle",
                    "--without-gossip",
                    "--loglevel=WARNING",
                ],
                env,
            )
        )
    try:
        _wait_for_a_worker(time.monotonic() + 300)
        start = timezone.now()
        supervisor = populate(start)
        give_up = time.monotonic() + LEAD + SPAN + 120
        while time.monotonic() < give_up:
            if Escalation.objects.filter(to_employee__user=supervisor).count() >= COUNT:
                break
            time.sleep(2)
        time.sleep(2 * sweep_interval())  # a late duplicate would show now
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
    measured = Complaint.objects.filter(assigned_agent__user__username__startswith="bench-agent-")
    measured = measured.filter(assigned_agent__supervisor__user=supervisor)
    deadline_of = dict(measured.values_list("pk", "respond_by"))
    notices = Notification.objects.filter(
        recipient=supervisor, dedupe_key__contains=":escalated:"
    ).values_list("dedupe_key", "created_at")
    delays = sorted(
        (created - deadline_of[pk]).total_seconds()
        for pk, created in ((int(key.split(":")[1]), at) for key, at in notices)
        if pk in deadline_of
    )
    escalated = measured.filter(escalations__isnull=False).distinct().count()
    rows = Escalation.objects.filter(complaint__in=measured).count()
    breached = measured.filter(response_breached_at__isnull=False).count()
    missed = COUNT - escalated
    twice = rows - escalated
    if not delays:
        print("nothing escalated: is the broker reachable?")
        return

    def pct(p):
        return delays[min(len(delays) - 1, int(len(delays) * p))]

    p50, p99 = pct(0.5), pct(0.99)
    ok = p99 <= TARGET_P99 and missed == 0 and twice == 0
    print(
        f"lag: {COUNT} complaints due over {SPAN} s, sweep every {sweep_interval()} s, "
        f"{WORKERS} worker(s), {connection.vendor}"
    )
    print(f"  escalated {escalated}/{COUNT}, missed {missed}, twice {twice}, breached {breached}")
    print(
        f"  deadline -> escalation notice: p50 {p50:.2f} s, p99 {p99:.2f} s, "
        f"max {delays[-1]:.2f} s (target p99 <= {TARGET_P99:.0f} s: {'OK' if ok else 'FAIL'})"
    )


def _backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle() -> None:
    from bench_complaints_sweep import grow_to

    from complaints.models import Complaint, Escalation
    from complaints.services import sla_sweep

    Escalation.objects.all().delete()
    Complaint.objects.all().delete()
    started = time.perf_counter()
    grow_to(IDLE_OPEN)
    print(f"idle: {IDLE_OPEN:,} open complaints ready in {time.perf_counter() - started:.1f} s")
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    sla_sweep()  # warm: settings row, plans
    cpu, wall = [], []
    for _ in range(ROUNDS):
        b0 = _backend_cpu_seconds(backend) if backend else 0.0
        c0, w0 = time.process_time(), time.perf_counter()
        counts = sla_sweep()
        c1, w1 = time.process_time(), time.perf_counter()
        b1 = _backend_cpu_seconds(backend) if backend else 0.0
        assert counts["checked"] == 0, counts
        cpu.append((c1 - c0) + (b1 - b0))
        wall.append(w1 - w0)
    every = sweep_interval()
    per_run = statistics.median(cpu)
    runs = 3600 / every
    print(
        f"  idle sweep: wall {statistics.median(wall) * 1000:.2f} ms (median of {ROUNDS}, "
        f"min {min(wall) * 1000:.2f}, max {max(wall) * 1000:.2f}); CPU (worker + PostgreSQL "
        f"backend) {per_run * 1000:.2f} ms per run (min {min(cpu) * 1000:.2f}, "
        f"max {max(cpu) * 1000:.2f})"
    )
    print(
        f"  at rest: every {every} s = {runs:.0f} runs/hour x {per_run * 1000:.2f} ms = "
        f"{per_run * runs:.1f} CPU-seconds per hour ({per_run * runs / 36:.3f} % of one core)"
    )


def main():
    from complaints.models import ComplaintSettings
    from courier.periodic import periodic_jobs_sync

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=KEEPDB)
    try:
        periodic_jobs_sync()
        ComplaintSettings.load()
        if PART in ("both", "lag"):
            lag()
        if PART in ("both", "idle"):
            idle()
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=KEEPDB)


if __name__ == "__main__":
    main()
