"""Benchmark: tracking at scale (issue 19, "Speed" and item 11), printed as ratios in one run.

1. Ingestion through ``tracking_events_ingest`` (the service behind
   ``POST /api/v1/tracking-events/``), batches of 500: events per second, and the ratio to a plain
   ``COPY`` of the same rows into the same table (target >= 0.25), interleaved A B A B; queries
   per batch for 10, 100 and 500 events (must not grow); events per second per process, the time
   spent in the database per event, and from them the processes a 10,000,000-shipments-a-day
   network needs at its peak (about 3,500 events a second) on one PostgreSQL.
2. The TRK-02 sweep (``tracking_sweep``) with 1,000 due among LARGE vs 1,000 due among 10,000
   tracking rows, in two databases switched pair by pair (at most 1.5x).
3. The public lookup: the page ``GET /track/?waybill=`` (HTML), ``GET /track/api/<waybill>/``
   and ``/api/v1/track/<waybill>/`` (JSON), each without and with ``phone_last4`` where it
   applies, vs a minimal Django view on the same gunicorn server with production settings,
   each measure right after its own baseline (target >= 0.60).
4. Partitioning (PostgreSQL only): the events table as it is vs the same table partitioned by
   month of ``received_at`` (bench tables only): 500-row INSERTs, one shipment's events by
   sequence, and dropping a month (archival).

Every ratio is measured in interleaved pairs and printed as median (min-max).

    .venv/bin/python bench/bench_tracking.py  # SQLite: parts 1, 3
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/bench_tracking.py
                                                                   # sweep 10,000 vs 100,000
    BENCH_FULL=1 DATABASE_URL=... .venv/bin/python bench/bench_tracking.py   # ... vs 1,000,000

Knobs: BENCH_PARTS (1,2,3,4: which parts run; 3 needs 1's shipments), BENCH_EVENTS (100,000),
BENCH_PAIRS (3), BENCH_SWEEP_LARGE, BENCH_PART_ROWS,
BENCH_HTTP_REQUESTS. It runs in throwaway databases: on PostgreSQL a copy of a migrated template
kept per database name and migration state (``bench_tpl_<name>_<hash>``, ``benchlib.
migrated_database``: the migrations run once) and two clones of it for the sweep; on SQLite a
test database. All but the template are dropped here.
"""

import datetime as dt
import json
import math
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
os.environ.setdefault("COURIER_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("API_RATE_PER_KEY", "1000000/min")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

FULL = os.environ.get("BENCH_FULL") == "1"
PG = connection.vendor == "postgresql"
EVENTS = int(os.environ.get("BENCH_EVENTS", "100000" if PG else "20000"))
BATCH = 500
SHIPMENTS = EVENTS // 5  # five events a shipment per run, 500 shipments a batch
LIFE_EVENTS = int(os.environ.get("BENCH_LIFE_EVENTS", "10000"))
PAIRS = int(os.environ.get("BENCH_PAIRS", "3"))
SWEEP_SMALL = 10_000
SWEEP_LARGE = int(os.environ.get("BENCH_SWEEP_LARGE", "1000000" if FULL else "100000"))
SWEEP_DUE = 1_000
SWEEP_PAIRS = int(os.environ.get("BENCH_SWEEP_PAIRS", "5"))
PART_ROWS = int(os.environ.get("BENCH_PART_ROWS", "3000000" if FULL else "600000"))
PART_MONTHS = 12
HTTP_REQUESTS = int(os.environ.get("BENCH_HTTP_REQUESTS", "400"))
PEAK_EVENTS_PER_S = 3_500
PARTS = {int(x) for x in os.environ.get("BENCH_PARTS", "1,2,3,4").split(",") if x.strip()}

EVENT_COLS = [
    "shipment_id",
    "partner_id",
    "seq",
    "status",
    "sub_status",
    "raw_code",
    "occurred_at",
    "received_at",
    "location",
    "latitude",
    "longitude",
    "source",
    "description",
    "partner_event_id",
    "corrects_id",
    "moved_state",
    "created_by_id",
]


def _ratio_line(label: str, ratios: list[float], target: str = "") -> str:
    med = statistics.median(ratios)
    return (
        f"{label}: {med:.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}, "
        f"{len(ratios)} pairs){'  ' + target if target else ''}"
    )


@contextmanager
def db_timer():
    """Seconds spent in the database driver (execute, round trip included)."""
    spent = [0.0]

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - start

    with connection.execute_wrapper(wrapper):
        yield spent


def _sql(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        if cursor.description:
            return cursor.fetchall()
        return None


# --- fixtures ---------------------------------------------------------------------------------
def seed():
    """A partner, its service user, one order that every bench shipment shares, the policy."""
    from django.contrib.auth import get_user_model

    from courier.core.services.apikeys import partner_api_key_create
    from courier.models import API_SCOPES, Order, Partner
    from tracking.models import TrackingPolicy

    user = get_user_model().objects.create(username="bench-partner")
    partner = Partner.objects.create(code="BENCH", name="Bench", service_user=user)
    _key, plain = partner_api_key_create(partner, name="bench", scopes=sorted(API_SCOPES))
    Order.objects.create(
        partner=partner,
        channel="api",
        partner_ref="BENCH-T",
        sender_name="李发货",
        sender_phone="13800000000",
        sender_province="上海市",
        sender_city="上海市",
        sender_district="静安区",
        sender_address="南京西路1号",
        recipient_name="张三丰",
        recipient_phone="13912345678",
        recipient_phone_last4="5678",
        recipient_province="广东省",
        recipient_city="深圳市",
        recipient_district="南山区",
        recipient_address="科技园路2号3栋401",
        weight_kg=1,
        paid_at=timezone.now(),
    )
    policy = TrackingPolicy.current()
    policy.lookup_per_minute = 32767  # one client address loads the server: measure the work
    policy.save()
    return partner, user, plain


_waybill_base = [0]


def shipments_add(n: int, *, state: str, updated_at: dt.datetime) -> tuple[int, int]:
    """``n`` shipments sharing the bench order, in SQL (a million in seconds); their id range."""
    from courier.models import Order

    order = Order.objects.get(partner_ref="BENCH-T")
    base = _waybill_base[0]
    _waybill_base[0] += n
    rows = _sql(
        """
        INSERT INTO courier_shipment (waybill_number, order_id, partner_id, kind, state,
            cod_amount, print_count, needs_reprint, shipped_at, created_at, updated_at)
        SELECT '7' || lpad((%s + g)::text, 11, '0'), %s, %s, 'original', %s, 0, 0, false,
            %s, %s, %s
        FROM generate_series(1, %s) AS g
        RETURNING id
        """
        if PG
        else """
        WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s)
        INSERT INTO courier_shipment (waybill_number, order_id, partner_id, kind, state,
            cod_amount, print_count, needs_reprint, shipped_at, created_at, updated_at)
        SELECT '7' || substr('00000000000' || (%s + g), -11), %s, %s, 'original', %s, 0, 0, 0,
            %s, %s, %s FROM s
        """,
        [base, order.pk, order.partner_id, state, updated_at, updated_at, updated_at, n]
        if PG
        else [n, base, order.pk, order.partner_id, state, updated_at, updated_at, updated_at],
    )
    if PG:
        ids = [r[0] for r in rows]
        return min(ids), max(ids)
    lo, hi = _sql(
        "SELECT min(id), max(id) FROM courier_shipment WHERE waybill_number > %s",
        ["7" + str(base).rjust(11, "0")],
    )[0]
    return lo, hi


def tracking_add(lo: int, hi: int, *, last_event_at_sql: str, params=()) -> None:
    """Tracking rows for shipments ``lo..hi``; ``last_event_at_sql`` may use ``s.id``."""
    _sql(
        f"""
        INSERT INTO tracking_shipmenttracking (shipment_id, partner_id, last_seq, last_event_at,
            last_status, last_sub_status, last_location, estimate_at, active, delivered_at,
            arrival_call_due, arrival_confirmed_at)
        SELECT s.id, s.partner_id, 0, {last_event_at_sql}, 'in_transit', '', '上海转运中心',
            NULL, true, NULL, false, NULL
        FROM courier_shipment s WHERE s.id BETWEEN %s AND %s
        """,
        [*params, lo, hi],
    )


def analyze():
    if PG:
        for table in ("courier_shipment", "tracking_shipmenttracking", "tracking_trackingevent"):
            _sql(f"ANALYZE {table}")


# --- 1. ingestion ------------------------------------------------------------------------------
_event_counter = [0]


def _batches(waybills: list[str], rounds: list[tuple[str, str]], start: dt.datetime):
    """Batches of 500 items, as a partner sends them: each round gives every shipment one event
    (status, sub-status), the rounds an hour apart; new partner event ids every time."""
    batches = []
    for r, (status, sub) in enumerate(rounds):
        at = (start + dt.timedelta(hours=r)).isoformat()
        for i in range(0, len(waybills), BATCH):
            batch = []
            for w in waybills[i : i + BATCH]:
                _event_counter[0] += 1
                item = {
                    "waybill_number": w,
                    "event_id": f"E{_event_counter[0]}",
                    "status": status,
                    "occurred_at": at,
                    "location": "上海转运中心",
                    "description": "快件已到达上海转运中心",
                }
                if sub:
                    item["sub_status"] = sub
                batch.append(item)
            batches.append(json.dumps({"events": batch}))
    return batches


def ingest(partner, user, bodies: list[str]) -> tuple[float, float, int]:
    """(seconds, seconds in the database, events accepted): each body decoded as the view gets
    it, then the service."""
    from tracking.services import tracking_events_ingest

    accepted = 0
    with db_timer() as spent:
        start = time.perf_counter()
        for body in bodies:
            items = json.loads(body)["events"]
            results = tracking_events_ingest(partner, items, user=user)
            accepted += sum(1 for r in results if r.result == "accepted")
        elapsed = time.perf_counter() - start
    return elapsed, spent[0], accepted


def _copy_out(since_id: int) -> bytes:
    buf = bytearray()
    cols = ", ".join(EVENT_COLS)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY (SELECT {cols} FROM tracking_trackingevent WHERE id > {int(since_id)} "
            "ORDER BY id) TO STDOUT"
        ) as copy,
    ):
        for chunk in copy:
            buf += chunk
    return bytes(buf)


def _copy_in(data: bytes) -> float:
    cols = ", ".join(EVENT_COLS)
    start = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY tracking_trackingevent ({cols}) FROM STDIN") as copy,
    ):
        copy.write(data)
    return time.perf_counter() - start


def _events_delete_since(since_id: int) -> None:
    _sql("DELETE FROM tracking_trackingevent WHERE id > %s", [since_id])
    _sql("VACUUM tracking_trackingevent")


def _max_event_id() -> int:
    return _sql("SELECT coalesce(max(id), 0) FROM tracking_trackingevent")[0][0]


def bench_ingestion(partner, user) -> dict:
    from courier.models import Shipment

    now = timezone.now()
    lo, hi = shipments_add(SHIPMENTS, state="in_transit", updated_at=now)
    waybills = list(
        Shipment.objects.filter(pk__range=(lo, hi))
        .order_by("pk")
        .values_list("waybill_number", flat=True)
    )
    scans = [("in_transit", "")] * 5  # hub scans: the bulk of a carrier's events
    # Warm: the tracking rows of every shipment exist (a shipment's first event creates it).
    warm = _batches(waybills, [("in_transit", "")], now - dt.timedelta(hours=6 * PAIRS + 24))
    ingest(partner, user, warm)
    analyze()
    print(
        f"-- 1. ingestion: {EVENTS:,} events in batches of {BATCH} over {len(waybills):,} "
        f"shipments (hub scans: no state change), on {connection.vendor}"
    )
    ratios, rates, db_shares = [], [], []
    for pair in range(PAIRS):
        # Each pair's five rounds an hour apart, 6 hours after the previous pair's, the last one
        # ending before now (an event in the future is rejected).
        start = now - dt.timedelta(hours=6 * (PAIRS - pair) + 6)
        bodies = _batches(waybills, scans, start)
        mark = _max_event_id()
        elapsed, in_db, accepted = ingest(partner, user, bodies)
        assert accepted == EVENTS, accepted
        rate = EVENTS / elapsed
        rates.append(rate)
        db_shares.append(in_db / EVENTS)
        if PG:
            data = _copy_out(mark)
            _events_delete_since(mark)
            copy_s = _copy_in(data)
            _events_delete_since(mark)
            ratios.append(rate / (EVENTS / copy_s))
            print(
                f"  pair {pair + 1}: service {rate:,.0f} ev/s ({in_db / elapsed:.0%} in the "
                f"database), COPY {EVENTS / copy_s:,.0f} ev/s"
            )
        else:
            print(f"  run {pair + 1}: service {rate:,.0f} ev/s")
    if ratios:
        print(_ratio_line("service / COPY events per second", ratios, "(target >= 0.25)"))
    per_process = statistics.median(rates)

    # Queries per batch: hub scans, and a batch whose events move every shipment (the shipment
    # service's own writes come on top, per shipment moved: not per event of the batch).
    counts = {}
    for size in (10, 100, 500):
        bodies = _batches(waybills[:size], [("in_transit", "")], now - dt.timedelta(hours=1))
        connection.queries_log.clear()  # a full log (9,000) would capture nothing
        with CaptureQueriesContext(connection) as ctx:
            ingest(partner, user, bodies)
        counts[size] = len(ctx.captured_queries)
    print(
        "queries per batch of 10 / 100 / 500 hub scans: "
        f"{counts[10]} / {counts[100]} / {counts[500]}  (ratio 500:10 = "
        f"{counts[500] / counts[10]:.2f}, target 1.00)"
    )

    # The life of a parcel: 2 scans, arrival, out for delivery, delivered: 3 of 5 events move
    # the shipment (lock, update, history, webhook) and the delivery closes its chases.
    life_ship = max(LIFE_EVENTS // 5, BATCH)
    life_rates, life_db = [], []
    for _pair in range(PAIRS):
        llo, lhi = shipments_add(life_ship, state="in_transit", updated_at=now)
        life_waybills = list(
            Shipment.objects.filter(pk__range=(llo, lhi))
            .order_by("pk")
            .values_list("waybill_number", flat=True)
        )
        life = [
            ("in_transit", ""),
            ("in_transit", ""),
            ("arrived_at_station", ""),
            ("out_for_delivery", ""),
            ("delivered", "by_recipient"),
        ]
        bodies = _batches(life_waybills, life, now - dt.timedelta(hours=12))
        elapsed, in_db, accepted = ingest(partner, user, bodies)
        assert accepted == life_ship * 5, accepted
        life_rates.append(accepted / elapsed)
        life_db.append(in_db / accepted)
    moved = Shipment.objects.filter(state="delivered").count()
    assert moved >= life_ship, moved
    life_rate = statistics.median(life_rates)
    print(
        f"parcel lives ({life_ship * 5:,} events, 60% move the shipment): "
        f"{life_rate:,.0f} ev/s (min {min(life_rates):,.0f}, max {max(life_rates):,.0f})"
    )
    db_scan = statistics.median(db_shares)
    db_life = statistics.median(life_db)
    print(
        f"per process: {per_process:,.0f} ev/s hub scans, {life_rate:,.0f} ev/s parcel lives; "
        f"database time {db_scan * 1e6:.0f} / {db_life * 1e6:.0f} us per event"
    )
    # Sizing: the peak mix is mostly scans; take the parcel-life rate (the dearer) for the
    # processes, and the database time per event for PostgreSQL's share.
    need = math.ceil(PEAK_EVENTS_PER_S / life_rate)
    need_scan = math.ceil(PEAK_EVENTS_PER_S / per_process)
    print(
        f"peak {PEAK_EVENTS_PER_S:,} ev/s needs {need} busy processes at the parcel-life rate "
        f"({need_scan} at the hub-scan rate), about {math.ceil(need * 1.5)} with 50% headroom; "
        f"database busy time {PEAK_EVENTS_PER_S * db_life:.1f} s/s (parcel lives) "
        f"= cores of one PostgreSQL at full use"
    )
    return {"waybills": life_waybills[:300]}


# --- 2. the sweep (TRK-02) ---------------------------------------------------------------------
def _sweep_fill(total: int) -> None:
    """``total`` shipments on their way, each with an event in the last 20 hours (not due);
    ``updated_at`` as their last change, so all of them fall in the sweep's 60-hour window."""
    now = timezone.now()
    have = 0
    step = 200_000
    while have < total:
        n = min(step, total - have)
        lo, hi = shipments_add(n, state="in_transit", updated_at=now - dt.timedelta(hours=1))
        tracking_add(
            lo,
            hi,
            last_event_at_sql=(
                "%s - (s.id %% 1200) * interval '1 minute'"
                if PG
                else "datetime(%s, '-' || (s.id % 1200) || ' minutes')"
            ),
            params=[now],
        )
        have += n
    analyze()


def _sweep_once() -> float:
    """Seconds of one sweep that opens a chase for SWEEP_DUE fresh stale shipments."""
    from tracking.services import tracking_sweep

    now = timezone.now()
    old = now - dt.timedelta(hours=30)
    lo, hi = shipments_add(SWEEP_DUE, state="in_transit", updated_at=old)
    tracking_add(lo, hi, last_event_at_sql="%s", params=[old])
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = tracking_sweep()
        elapsed = time.perf_counter() - start
    assert result.stale == SWEEP_DUE and result.tracked == 0, result
    on_events = [q for q in ctx.captured_queries if "tracking_trackingevent" in q["sql"]]
    assert not on_events, on_events[0]["sql"]
    # Their chases are open: an event arrives for them, so the next sweep does not see them.
    _sql(
        "UPDATE tracking_shipmenttracking SET last_event_at = %s WHERE shipment_id BETWEEN %s "
        "AND %s",
        [now, lo, hi],
    )
    return elapsed


def _use_db(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name
    cache.clear()


def bench_sweep(clones: dict[str, str]) -> None:
    print(
        f"-- 2. sweep (TRK-02): {SWEEP_DUE:,} due among {SWEEP_LARGE:,} vs {SWEEP_SMALL:,} "
        f"tracking rows, interleaved, on {connection.vendor}"
    )
    main_name = connection.settings_dict["NAME"]
    try:
        for label, size in (("small", SWEEP_SMALL), ("large", SWEEP_LARGE)):
            _use_db(clones[label])
            started = time.perf_counter()
            _sweep_fill(size)
            print(f"  {size:>9,} tracked shipments ready in {time.perf_counter() - started:.1f} s")
            _sweep_once()  # warm: caches, plans
        ratios, small_t, large_t = [], [], []
        for _pair in range(SWEEP_PAIRS):
            _use_db(clones["small"])
            small = _sweep_once()
            _use_db(clones["large"])
            large = _sweep_once()
            small_t.append(small)
            large_t.append(large)
            ratios.append(large / small)
        print(
            f"  sweep opening {SWEEP_DUE:,} chases: {statistics.median(small_t) * 1000:.0f} ms "
            f"among {SWEEP_SMALL:,}, {statistics.median(large_t) * 1000:.0f} ms among "
            f"{SWEEP_LARGE:,} (medians); no query reads tracking_trackingevent"
        )
        print(_ratio_line(f"sweep time {SWEEP_LARGE:,} / {SWEEP_SMALL:,}", ratios, "(limit 1.50)"))
    finally:
        _use_db(main_name)


def clone_sweep_dbs() -> dict[str, str]:
    """Two copies of the seeded test database (PostgreSQL: CREATE DATABASE ... TEMPLATE)."""
    if not PG:
        return {}
    connection.close()
    names = {}
    for label in ("small", "large"):
        connection.creation.clone_test_db(suffix=label, verbosity=0, autoclobber=True)
        names[label] = connection.creation.get_test_db_clone_settings(label)["NAME"]
    return names


def drop_dbs(names) -> None:
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


# --- 3. public lookup over HTTP ---------------------------------------------------------------
def _server_class():
    import subprocess

    import httpload

    class TrackingServer(httpload.Server):
        """httpload's gunicorn with production settings, serving ``tracking_wsgi`` (the project
        plus ``/bench/trivial/``)."""

        def __enter__(self):
            real = subprocess.Popen

            def popen(args, **kw):
                args = [
                    "tracking_wsgi:application" if a == "courier.wsgi:application" else a
                    for a in args
                ]
                kw["env"] = kw["env"] | {"PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}"}
                return real(args, **kw)

            httpload.subprocess.Popen = popen
            try:
                return super().__enter__()
            finally:
                httpload.subprocess.Popen = real

    return TrackingServer


def bench_lookup(waybills: list[str]) -> None:
    from httpload import CLIENTS, rps

    with _server_class()() as server:
        print(
            f"-- 3. public lookup over HTTP: gunicorn {server.workers} workers, {CLIENTS} "
            f"clients, production settings, on {connection.vendor}"
        )
        n = len(waybills)

        def get(path):
            def send(i):
                status, body = server.request("GET", path(i))
                assert status == 200, (status, body[:200])

            return send

        trivial = get(lambda i: "/bench/trivial/")
        summary = get(lambda i: f"/track/api/{waybills[i % n]}/")
        full = get(lambda i: f"/track/api/{waybills[i % n]}/?phone_last4=5678")
        # The page /track/ (HTML, the form's GET), the waybill alone and with the last 4 digits.
        page = get(lambda i: f"/track/?waybill={waybills[i % n]}")
        page_full = get(lambda i: f"/track/?waybill={waybills[i % n]}&phone_last4=5678")
        api_status, _ = server.request("GET", f"/api/v1/track/{waybills[0]}/")
        api = get(lambda i: f"/api/v1/track/{waybills[i % n]}/") if api_status == 200 else None
        for send in (trivial, summary, full, page, page_full, api):
            if send:
                for i in range(5 * server.workers):
                    send(i)
        ratios = {"summary": [], "full": [], "page": [], "page_full": [], "api": []}
        trivial_rates = []
        for _pair in range(PAIRS + 2):
            # Each measure right after its own trivial baseline (A B A B ...): the load of a
            # shared machine drifts within a round.
            for name, send in (
                ("summary", summary),
                ("full", full),
                ("page", page),
                ("page_full", page_full),
                ("api", api),
            ):
                if send is None:
                    continue
                base = rps(trivial, HTTP_REQUESTS)
                trivial_rates.append(base)
                ratios[name].append(rps(send, HTTP_REQUESTS) / base)
    print(f"  trivial view: {statistics.median(trivial_rates):,.0f} rps (median)")
    print(_ratio_line("/track/?waybill= (page) rps / trivial rps", ratios["page"], "(>= 0.60)"))
    print(_ratio_line("/track/?waybill=&phone_last4 / trivial", ratios["page_full"], "(>= 0.60)"))
    print(_ratio_line("/track/api/<waybill>/ rps / trivial rps", ratios["summary"], "(>= 0.60)"))
    print(_ratio_line("/track/api/<waybill>/?phone_last4 / trivial", ratios["full"], "(>= 0.60)"))
    if api:
        print(_ratio_line("/api/v1/track/<waybill>/ rps / trivial rps", ratios["api"], "(>= 0.60)"))
    else:
        print(f"  /api/v1/track/<waybill>/ answered {api_status}: not measured (not routed yet)")


# --- 4. partitioning by month (PostgreSQL) ------------------------------------------------------
def _part_tables(now: dt.datetime) -> None:
    _sql("DROP TABLE IF EXISTS bench_ev_plain, bench_ev_part")
    _sql("CREATE TABLE bench_ev_plain (LIKE tracking_trackingevent INCLUDING ALL)")
    _sql(
        "CREATE TABLE bench_ev_part (LIKE tracking_trackingevent INCLUDING DEFAULTS "
        "INCLUDING CONSTRAINTS) PARTITION BY RANGE (received_at)"
    )
    _sql("CREATE SEQUENCE IF NOT EXISTS bench_ev_part_id")
    _sql("ALTER TABLE bench_ev_part ALTER COLUMN id SET DEFAULT nextval('bench_ev_part_id')")
    first = dt.datetime(now.year, now.month, 1, tzinfo=dt.UTC)
    for k in range(-PART_MONTHS, 2):
        y, m = divmod(first.month - 1 + k, 12)
        lo = first.replace(year=first.year + y, month=m + 1)
        y2, m2 = divmod(lo.month, 12)
        hi = lo.replace(year=lo.year + y2, month=m2 + 1)
        _sql(
            f"CREATE TABLE bench_ev_part_{lo:%Y%m} PARTITION OF bench_ev_part "
            "FOR VALUES FROM (%s) TO (%s)",
            [lo, hi],
        )
    # A unique key on a partitioned table must hold the partition key: (shipment, seq) and the
    # partner's event id are no longer unique by themselves.
    _sql("ALTER TABLE bench_ev_part ADD PRIMARY KEY (id, received_at)")
    _sql("CREATE INDEX bench_ev_part_ship_seq ON bench_ev_part (shipment_id, seq)")
    _sql(
        "CREATE UNIQUE INDEX bench_ev_part_partner_eid ON bench_ev_part "
        "(partner_id, partner_event_id, received_at) WHERE partner_event_id <> ''"
    )


def _part_fill(table: str, rows: int, now: dt.datetime) -> float:
    """``rows`` events, 8 a shipment, shipments spread evenly over PART_MONTHS months."""
    span = PART_MONTHS * 30 * 86400
    ships = rows // 8
    start = time.perf_counter()
    _sql(
        f"""
        INSERT INTO {table} (shipment_id, partner_id, seq, status, sub_status, raw_code,
            occurred_at, received_at, location, source, description, partner_event_id,
            moved_state)
        SELECT g / 8 + 1, 1, g %% 8 + 1, 'in_transit', '', '',
            t, t, '上海转运中心', 'partner_api', '快件已到达上海转运中心', 'P' || g, false
        FROM (SELECT g, %s::timestamptz - ((g / 8) * (%s::float / %s)) * interval '1 second'
                     + (g %% 8) * interval '3 hours' - interval '1 day' AS t
              FROM generate_series(0, %s - 1) AS g) AS x
        """,
        [now, span, ships, rows],
    )
    _sql(f"ANALYZE {table}")
    return time.perf_counter() - start


def _part_insert(table: str, batches: int, now: dt.datetime, tag: str) -> float:
    """``batches`` INSERTs of 500 rows of new events (what the service's bulk_create sends)."""
    cols = [*EVENT_COLS[:14], "moved_state"]  # moved_state: NOT NULL, no database default
    one = "(" + ", ".join(["%s"] * len(cols)) + ")"
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES " + ", ".join([one] * BATCH)
    base = 50_000_000 + int(tag[1:]) * batches * BATCH  # new shipments each pair ("p0", "q1")
    elapsed = 0.0
    for b in range(batches):
        params = []
        for i in range(BATCH):
            params += [
                base + b * BATCH + i,
                1,
                1,
                "in_transit",
                "",
                "",
                now,
                now,
                "上海转运中心",
                None,
                None,
                "partner_api",
                "快件已到达上海转运中心",
                f"{tag}-{b}-{i}",
                False,
            ]
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        elapsed += time.perf_counter() - start
    return elapsed


def _part_lookups(table: str, ships: int, n: int = 2000) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for k in range(n):
            cursor.execute(
                f"SELECT id, seq, status, occurred_at, location FROM {table} "
                "WHERE shipment_id = %s AND seq > %s ORDER BY seq",
                [(k * 7919) % ships + 1, 0],
            )
            cursor.fetchall()
    return time.perf_counter() - start


def _part_sizes(rows: int) -> None:
    """Table and index sizes of both layouts, per row and extrapolated to 500 M rows (the
    trigger the architecture names), beside the database server's ``shared_buffers``."""

    def size(table: str) -> tuple[int, int]:
        parts = [table] + [
            name
            for (name,) in _sql(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
                [table],
            )
        ]
        heap = index = 0
        for name in parts:
            h, i = _sql("SELECT pg_table_size(%s), pg_indexes_size(%s)", [name, name])[0]
            heap, index = heap + h, index + i
        return heap, index

    buffers = _sql("SHOW shared_buffers")[0][0]
    for label, table in (("plain", "bench_ev_plain"), ("partitioned", "bench_ev_part")):
        heap, index = size(table)
        print(
            f"  {label}: table {heap / 2**20:,.0f} MB, indexes {index / 2**20:,.0f} MB for "
            f"{rows:,} rows ({heap / rows:.0f} + {index / rows:.0f} bytes a row; at 500 M rows "
            f"{heap / rows * 5e8 / 2**30:,.0f} GB + {index / rows * 5e8 / 2**30:,.0f} GB of "
            f"indexes; shared_buffers here {buffers})"
        )


def bench_partitioning() -> None:
    if not PG:
        print("-- 4. partitioning: PostgreSQL only (skipped)")
        return
    now = timezone.now()
    print(
        f"-- 4. partitioning: {PART_ROWS:,} events over {PART_MONTHS} months, plain table vs "
        f"partitioned by month of received_at ({PART_MONTHS + 2} partitions)"
    )
    _part_tables(now)
    fill = {t: _part_fill(t, PART_ROWS, now) for t in ("bench_ev_plain", "bench_ev_part")}
    print(
        f"  bulk fill (INSERT ... SELECT): plain {fill['bench_ev_plain']:.1f} s, partitioned "
        f"{fill['bench_ev_part']:.1f} s"
    )
    ships = PART_ROWS // 8
    _part_sizes(PART_ROWS)
    ins, look, look_ms = [], [], {"plain": [], "part": []}
    for pair in range(PAIRS):
        plain = _part_insert("bench_ev_plain", 40, now, f"p{pair}")
        part = _part_insert("bench_ev_part", 40, now, f"q{pair}")
        ins.append(part / plain)
        plain = _part_lookups("bench_ev_plain", ships)
        part = _part_lookups("bench_ev_part", ships)
        look.append(part / plain)
        look_ms["plain"].append(plain / 2000 * 1000)
        look_ms["part"].append(part / 2000 * 1000)
    print(_ratio_line("  500-row INSERT time, partitioned / plain", ins))
    print(_ratio_line("  one shipment's events by seq, partitioned / plain", look))
    print(
        f"  one shipment's events by seq: {statistics.median(look_ms['plain']):.3f} ms plain, "
        f"{statistics.median(look_ms['part']):.3f} ms partitioned (medians, round trip included)"
    )
    plan = _sql(
        "EXPLAIN SELECT id FROM bench_ev_part WHERE shipment_id = 1 AND seq > 0 ORDER BY seq"
    )
    scanned = sum(1 for (line,) in plan if "Index" in line and "bench_ev_part_" in line)
    print(f"  the lookup without received_at probes {scanned} partitions' indexes")
    # Archival: the oldest month, deleted from the plain table vs detached and dropped.
    oldest = _sql("SELECT min(received_at) FROM bench_ev_plain")[0][0]
    cut = dt.datetime(oldest.year, oldest.month, 1, tzinfo=dt.UTC)
    y, m = divmod(cut.month, 12)
    cut = cut.replace(year=cut.year + y, month=m + 1)
    start = time.perf_counter()
    deleted = _sql(
        "WITH d AS (DELETE FROM bench_ev_plain WHERE received_at < %s RETURNING 1) "
        "SELECT count(*) FROM d",
        [cut],
    )[0][0]
    delete_s = time.perf_counter() - start
    start = time.perf_counter()
    for (name,) in _sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'bench_ev_part' "
        "AND c.relname <= %s",
        [f"bench_ev_part_{oldest:%Y%m}"],
    ):
        _sql(f"ALTER TABLE bench_ev_part DETACH PARTITION {name}")
        _sql(f"DROP TABLE {name}")
    drop_s = time.perf_counter() - start
    print(
        f"  archiving the oldest month ({deleted:,} rows): DELETE {delete_s:.2f} s (plus the "
        f"VACUUM it leaves) vs DETACH + DROP {drop_s:.3f} s"
    )
    _sql("DROP TABLE IF EXISTS bench_ev_plain, bench_ev_part")
    _sql("DROP SEQUENCE IF EXISTS bench_ev_part_id")


def main():
    from benchlib import migrated_database

    setup_test_environment()
    # A fresh copy of a migrated template kept per database name (bench_tpl_<name>_<hash>).
    label = Path(str(connection.settings_dict["NAME"])).stem
    with migrated_database(label):
        run_parts()


def run_parts():
    clones = {}
    try:
        partner, user, _plain = seed()
        clones = clone_sweep_dbs()
        started = time.perf_counter()
        if 1 in PARTS or 3 in PARTS:
            found = bench_ingestion(partner, user)
        if 2 in PARTS and clones:
            bench_sweep(clones)
        elif 2 in PARTS:
            print("-- 2. sweep: PostgreSQL only (two databases switched pair by pair); skipped")
        if 3 in PARTS:
            bench_lookup(found["waybills"])
        if 4 in PARTS:
            bench_partitioning()
        print(f"(total {time.perf_counter() - started:.0f} s)")
    finally:
        if clones:
            drop_dbs(clones.values())


if __name__ == "__main__":
    main()
