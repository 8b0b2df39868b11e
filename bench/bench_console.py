"""Benchmark: the supervisor's home costs the same at 10,000 and at 1,000,000 complaints.

Two databases are built, a small and a large one, alike but for the number of closed
complaints in the history (the open backlog of the supervisor's team is the same: 200); the
supervisor's home (``GET /`` as the supervisor, the whole Django request in-process: the server
time) is then timed in interleaved pairs, small then large, so the machine's load falls on
both alike. Prints the median and min–max of each, and the ratio of the medians.

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/h_bench \\
        .venv/bin/python bench/bench_console.py                 # 10,000 vs 100,000
    BENCH_FULL=1 ... bench/bench_console.py                     # 10,000 vs 1,000,000

Targets: under 300 ms at 100,000 on PostgreSQL; the large one at most 1.5× the small one.
The databases (``test_<name>_<size>``) are created and dropped here (``BENCH_KEEP=1`` keeps
them, ``BENCH_REUSE=1`` reuses a kept small one); the large one is a copy of the small one
grown with closed complaints in SQL.
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

FULL = os.environ.get("BENCH_FULL") == "1"
SMALL, LARGE = (10_000, 1_000_000) if FULL else (10_000, 100_000)
PAIRS = int(os.environ.get("BENCH_PAIRS", "15"))
REUSE = os.environ.get("BENCH_REUSE") == "1"  # keep an existing small database as it is
KEEP = os.environ.get("BENCH_KEEP") == "1"  # do not drop the databases at the end
OPEN_BACKLOG = 200
AGENTS = 10


def seed_people():
    from django.contrib.auth.models import Group

    from staffing.models import Department
    from staffing.roles import roles_sync
    from tests.factories import EmployeeFactory, UserFactory

    roles_sync()
    dept = Department.objects.get_or_create(code="cs", defaults={"name": "客服部"})[0]
    other = Department.objects.get_or_create(code="sz", defaults={"name": "深圳"})[0]
    sup_user = UserFactory(username="bench-supervisor")
    sup_user.groups.add(Group.objects.get(name="supervisor"))
    supervisor = EmployeeFactory(user=sup_user, position="supervisor", department=dept)
    agents = []
    for i in range(AGENTS):
        u = UserFactory(username=f"bench-agent-{i}")
        u.groups.add(Group.objects.get(name="agent"))
        agents.append(EmployeeFactory(user=u, supervisor=supervisor, department=dept))
        agents.append(EmployeeFactory(department=other))
    return sup_user, [a.pk for a in agents], [a.pk for a in agents if a.department_id == dept.pk]


def complaint(now, agent_id, *, open_: bool, i: int):
    from complaints.models import Complaint

    received = now - timedelta(minutes=30 + i % 900) if open_ else now - timedelta(days=1 + i % 700)
    return Complaint(
        channel="hotline",
        customer_name="bench",
        customer_phone="1",
        category="delay",
        severity="ordinary",
        description="bench",
        state="investigating" if open_ else "closed",
        assigned_agent_id=agent_id,
        received_at=received,
        clock_started_at=received,
        responded_at=received + timedelta(minutes=10),
        respond_by=received + timedelta(minutes=30),
        resolve_by=received + timedelta(hours=12),
        resolved_at=None if open_ else received + timedelta(hours=2),
        closed_at=None if open_ else received + timedelta(hours=3),
    )


def seed_complaints(total: int, all_agents, team):
    """The team's open backlog, then closed history up to ``total``."""
    from complaints.models import Complaint

    now = timezone.now()
    Complaint.objects.bulk_create(
        [complaint(now, team[i % len(team)], open_=True, i=i) for i in range(OPEN_BACKLOG)]
    )
    Complaint.objects.bulk_create([complaint(now, all_agents[0], open_=False, i=0)])
    grow_closed(total - OPEN_BACKLOG - 1, all_agents)
    assert Complaint.objects.count() == total


def grow_closed(n: int, all_agents=None):
    """Add ``n`` closed complaints, copies of a closed one spread over the agents and the last
    700 days, in SQL (a million rows in seconds)."""
    from complaints.models import Complaint
    from staffing.models import Employee

    all_agents = all_agents or list(
        Employee.objects.exclude(position="supervisor").values_list("pk", flat=True)
    )
    template = Complaint.objects.filter(state="closed").order_by("pk").first()
    cols = [f.column for f in Complaint._meta.concrete_fields if f.column != "id"]
    col_list = ", ".join(f'"{c}"' for c in cols)
    agents = ",".join(str(a) for a in all_agents)
    select_list = col_list.replace(
        '"assigned_agent_id"', f"(ARRAY[{agents}])[1 + g %% {len(all_agents)}]"
    ).replace('"received_at"', "received_at - (g %% 700) * interval '1 day'")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO complaints_complaint ({col_list}) SELECT {select_list} "
            "FROM complaints_complaint, generate_series(1, %s) AS g WHERE id = %s",
            [n, template.pk],
        )
        cursor.execute("ANALYZE")


def exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def use(name: str):
    connection.close()
    connection.settings_dict["NAME"] = name


def time_home(client) -> tuple[float, float]:
    """Wall time and this process's CPU time of one request (on a loaded machine the wall time
    includes waiting for a core; the CPU time does not, nor PostgreSQL's own work)."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get("/")
    elapsed = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 200, response.status_code
    return elapsed


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL (DATABASE_URL=postgres://...).")
    setup_test_environment()
    base = connection.settings_dict["NAME"]
    names = {size: f"test_{base}_{size}" for size in (SMALL, LARGE)}
    started = time.perf_counter()
    if not (REUSE and exists(names[SMALL])):
        connection.settings_dict["TEST"]["NAME"] = names[SMALL]
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        _user, all_agents, team = seed_people()
        seed_complaints(SMALL, all_agents, team)
    print(f"{SMALL:>9,} complaints ready in {time.perf_counter() - started:.1f} s", flush=True)
    # The large one is a copy of the small one with more closed history.
    started = time.perf_counter()
    use(base)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{names[LARGE]}"')
        cursor.execute(f'CREATE DATABASE "{names[LARGE]}" TEMPLATE "{names[SMALL]}"')
    use(names[LARGE])
    grow_closed(LARGE - SMALL)
    print(f"{LARGE:>9,} complaints ready in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        clients = {}
        for size in (SMALL, LARGE):
            use(names[size])
            from django.contrib.auth import get_user_model

            c = Client()
            c.force_login(get_user_model().objects.get(username="bench-supervisor"))
            c.get("/")  # warm: session, language, caches
            clients[size] = c
        times = {SMALL: [], LARGE: []}
        cpus = {SMALL: [], LARGE: []}
        for _ in range(PAIRS):
            for size in (SMALL, LARGE):
                use(names[size])
                wall, cpu = time_home(clients[size])
                times[size].append(wall)
                cpus[size].append(cpu)
        for size in (SMALL, LARGE):
            t, c = times[size], cpus[size]
            median = statistics.median(t) * 1000
            print(
                f"supervisor's home at {size:>9,} complaints: median {median:.1f}"
                f" ms (min {min(t) * 1000:.1f}, max {max(t) * 1000:.1f}; {PAIRS} runs);"
                f" Django CPU median {statistics.median(c) * 1000:.1f} ms"
            )
        ratio = statistics.median(times[LARGE]) / statistics.median(times[SMALL])
        print(f"ratio {LARGE:,} / {SMALL:,}: {ratio:.2f} ({'OK' if ratio <= 1.5 else 'OVER'} 1.5)")
    finally:
        use(base)
        if not KEEP:
            with connection.cursor() as cursor:
                for size in (SMALL, LARGE):
                    cursor.execute(f'DROP DATABASE IF EXISTS "{names[size]}"')


if __name__ == "__main__":
    main()
