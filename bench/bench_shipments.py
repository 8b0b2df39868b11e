"""Benchmark: shipments API and admin stay cheap as data grows (issue 4, speed items).

Prints ratios, each measured interleaved round by round (``benchlib``, ``BENCH_PAIRS`` >= 5):
- on one gunicorn server with production settings, loaded over HTTP by concurrent clients
  (``httpload.py``, ``api_wsgi.py``): ``/api/v1/me/`` vs a DRF view without authentication
  (target >= 0.6) and API shipment create vs ``/me/`` (target >= 0.8), requests per second;
  the create vs ``/me/`` ratio in-process through Django's test client for reference
  (``BENCH_HTTP=0`` skips the server);
- the create's query count for 1 vs 20 goods lines (target 1.0);
- list and detail query counts for shipments with 1 vs 25 lines (target 1.0);
- the admin shipment changelist's queries with SMALL vs LARGE rows (equal; no COUNT(*) over the
  whole table on PostgreSQL).

    .venv/bin/python bench/bench_shipments.py                      # 2,000 vs 20,000 rows
    BENCH_LARGE=300000 .venv/bin/python bench/bench_shipments.py    # any size
    BENCH_FULL=1 DATABASE_URL=postgres://... .venv/bin/python bench/bench_shipments.py
                                                                   # 2,000 vs 1,000,000 rows

It runs in a throwaway copy of the migrated schema (``benchlib.seeded_database``).
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
os.environ.setdefault("COURIER_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("API_RATE_PER_KEY", "100000/min")  # measure the work, not the throttle

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

FULL = os.environ.get("BENCH_FULL") == "1"
SMALL, LARGE = (2_000, 1_000_000) if FULL else (2_000, 20_000)
LARGE = int(os.environ.get("BENCH_LARGE", LARGE))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
HTTP_REQUESTS = int(os.environ.get("BENCH_HTTP_REQUESTS", "300"))
BATCH = 5_000


def _body(ref: str, n_lines: int = 1) -> str:
    return json.dumps(
        {
            "partner_ref": ref,
            "sender_name": "李发货",
            "sender_phone": "021-62345678",
            "sender_province": "上海市",
            "sender_city": "上海市",
            "sender_district": "静安区",
            "sender_address": "南京西路1号",
            "recipient_name": "张三",
            "recipient_phone": "13812345678",
            "recipient_province": "广东省",
            "recipient_city": "深圳市",
            "recipient_district": "南山区",
            "recipient_address": "科技园路2号",
            "weight_kg": "1.5",
            "lines": [
                {"name": f"鞋{i}", "quantity": 1, "unit_price": "10.00"} for i in range(n_lines)
            ],
        }
    )


# FIN-01's quote of the issue's parcel (3.2 kg, 40×30×20 cm, 上海 → 广东, 2,000 yuan declared).
QUOTE_BODY = json.dumps(
    {
        "mode": "road",
        "origin_province": "上海市",
        "destination_province": "广东省",
        "weight_kg": "3.2",
        "length_cm": "40",
        "width_cm": "30",
        "height_cm": "20",
        "declared_value": "2000",
    }
)


def _rps(fn, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - start)


def _fill(partner, total: int) -> None:
    """Bulk rows for the admin list (orders + shipments), no history: setup only."""
    from django.utils import timezone

    from courier.models import Order, Shipment
    from courier.shipments import rules

    have = Shipment.objects.count()
    now = timezone.now()
    while have < total:
        n = min(BATCH, total - have)
        orders = Order.objects.bulk_create(
            [
                Order(
                    partner=partner,
                    channel="api",
                    partner_ref=f"B{have + i}",
                    sender_name="s",
                    sender_phone="13800000000",
                    sender_province="p",
                    sender_city="c",
                    sender_district="d",
                    sender_address="a",
                    recipient_name="r",
                    recipient_phone="13900000000",
                    recipient_phone_last4=f"{(have + i) % 10000:04d}",
                    recipient_province="p",
                    recipient_city="c",
                    recipient_district="d",
                    recipient_address="a",
                    weight_kg=1,
                    paid_at=now,
                )
                for i in range(n)
            ]
        )
        if not orders[0].pk:
            orders = list(Order.objects.order_by("-pk")[:n])[::-1]
        Shipment.objects.bulk_create(
            [
                Shipment(
                    waybill_number=rules.waybill_number_from(10_000_000 + have + i),
                    order=o,
                    partner=partner,
                )
                for i, o in enumerate(orders)
            ]
        )
        have += n
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE courier_shipment")
            cursor.execute("ANALYZE courier_order")


def _changelist(client) -> tuple[int, float, bool]:
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get("/admin/courier/shipment/")
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    full_count = any(
        "COUNT(" in q["sql"].upper()
        and "LIMIT" not in q["sql"].upper()
        and "courier_shipment" in q["sql"]
        and "WHERE" not in q["sql"].upper()
        for q in ctx.captured_queries
    )
    return len(ctx.captured_queries), elapsed, full_count


def main():
    from benchlib import seeded_database

    setup_test_environment()
    with seeded_database("api", lambda: None):  # a migrated copy, dropped afterwards
        run()


def _http_ratio(plain_key: str) -> None:
    """The speed targets, on the same gunicorn server, interleaved round by round (a DRF view
    without authentication, ``/me/``, create, ...): ``/me/`` >= 0.6 of the plain DRF view and
    create >= 0.8 of ``/me/``, requests per second."""
    from benchlib import PAIRS, ratio_line, ratios_of, rounds
    from httpload import CLIENTS, Server, rps

    headers = {"Authorization": f"Bearer {plain_key}", "Content-Type": "application/json"}
    with Server(app="api_wsgi:application") as server:

        def plain(_i):
            status, body = server.request("GET", "/bench/drf-plain/")
            assert status == 200, body

        def me(_i):
            status, body = server.request("GET", "/api/v1/me/", headers=headers)
            assert status == 200, body

        created = iter(range(10**9))

        def create(_i):
            ref = f"H{next(created)}"
            status, body = server.request("POST", "/api/v1/shipments/", _body(ref), headers)
            assert status == 201, body
            assert b'"fee_lines":[{' in body, body  # priced in the create (FIN-01)

        def quote(_i):
            status, body = server.request("POST", "/api/v1/quotes/", QUOTE_BODY, headers)
            assert status == 200, body

        for i in range(10 * server.workers):  # every worker loads its code and connections
            plain(i)
            me(i)
            create(i)
            quote(i)
        values = rounds(
            {
                "plain": lambda: rps(plain, HTTP_REQUESTS),
                "me": lambda: rps(me, HTTP_REQUESTS),
                "create": lambda: rps(create, HTTP_REQUESTS),
                "quote": lambda: rps(quote, HTTP_REQUESTS),
            },
            pairs=PAIRS,
        )
    med = {name: statistics.median(v) for name, v in values.items()}
    print(
        f"  gunicorn {server.workers} workers, {CLIENTS} clients, {HTTP_REQUESTS} requests per "
        f"measurement, {connection.vendor}: plain DRF {med['plain']:.0f} rps, /me/ "
        f"{med['me']:.0f} rps, create {med['create']:.0f} rps, quote {med['quote']:.0f} rps "
        "(medians)"
    )
    print(ratio_line("me / plain", ratios_of(values, "me", "plain"), ">=", 0.6))
    print(ratio_line("create / me", ratios_of(values, "create", "me"), ">=", 0.8))
    # Issue 15: a quote costs at most /me/ plus one query; the queries are counted exactly by
    # tests/courier/api/test_intake_fee_snapshot.py (and below), the time is this ratio.
    print(ratio_line("quote / me (reference)", ratios_of(values, "quote", "me"), ">=", 0.0))


def run():
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from courier.core.services.apikeys import partner_api_key_create
    from courier.finance.models import PartnerAccount
    from courier.models import API_SCOPES, Partner
    from courier.shipments.services.orders import order_intake

    user_model = get_user_model()
    service = user_model.objects.create(username="bench-partner")
    partner = Partner.objects.create(code="BENCH", name="Bench", service_user=service)
    # A partner in good standing (FIN-02: its shipments are not held); the seeded default fee
    # schedule prices every create (FIN-01).
    PartnerAccount.objects.create(partner=partner, credit_limit=Decimal("1000000000"))
    _row, plain = partner_api_key_create(partner, name="bench", scopes=sorted(API_SCOPES))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")

    def me(_i):
        assert api.get("/api/v1/me/").status_code == 200

    def create(i):
        response = api.post("/api/v1/shipments/", _body(f"R{i}"), content_type="application/json")
        assert response.status_code == 201, response.content

    from benchlib import PAIRS, ratio_line, ratios_of, rounds

    made = iter(range(10**9))
    values = rounds(
        {
            "me": lambda: _rps(me, REQUESTS),
            "create": lambda: _rps(lambda _i: create(next(made)), REQUESTS),
        },
        pairs=PAIRS,
    )
    in_process = ratios_of(values, "create", "me")
    print("  (reference) " + ratio_line("in-process create rps / /me/ rps", in_process, ">=", 0.5))
    if os.environ.get("BENCH_HTTP", "1") == "1":
        _http_ratio(plain)

    counts = []
    for n in (1, 20):
        with CaptureQueriesContext(connection) as ctx:
            api.post("/api/v1/shipments/", _body(f"Q{n}", n), content_type="application/json")
        counts.append(len(ctx.captured_queries))
    print(
        f"create queries 20 lines / 1 line: {counts[1]} / {counts[0]} = {counts[1] / counts[0]:.2f}"
    )
    queries = {}
    for name, send in (
        ("me", lambda: api.get("/api/v1/me/")),
        ("quote", lambda: api.post("/api/v1/quotes/", QUOTE_BODY, content_type="application/json")),
    ):
        send()
        with CaptureQueriesContext(connection) as ctx:
            assert send().status_code == 200
        queries[name] = len(ctx.captured_queries)
    print(
        f"quote queries / me queries: {queries['quote']} / {queries['me']}  target me + 1  "
        f"{'OK' if queries['quote'] <= queries['me'] + 1 else 'MISSED'}"
    )

    admin_user = user_model.objects.create_superuser("bench-admin", "b@example.com", "x")
    ops = Client()
    ops.force_login(admin_user)
    small_ship = order_intake(
        partner,
        json.loads(_body("D1")) | {"channel": "api"},
        json.loads(_body("D1"))["lines"],
        user=admin_user,
    ).shipment
    data = json.loads(_body("D25", 25))
    lines = data.pop("lines")
    big_ship = order_intake(partner, data | {"channel": "api"}, lines, user=admin_user).shipment
    detail = []
    for s in (small_ship, big_ship):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"/api/v1/shipments/{s.waybill_number}/").status_code == 200
        detail.append(len(ctx.captured_queries))
    with CaptureQueriesContext(connection) as ctx:
        api.get("/api/v1/shipments/")
    print(
        f"detail queries 25 lines / 1 line: {detail[1]} / {detail[0]} = "
        f"{detail[1] / detail[0]:.2f}; list queries: {len(ctx.captured_queries)}"
    )

    # Queries are not noisy: counted once per size. The time ratio of a change list at a
    # million rows is bench_admin_changelists.py's (interleaved, on seeded copies).
    results = {}
    for rows in (SMALL, LARGE):
        _fill(partner, rows)
        _changelist(ops)  # warm
        results[rows] = _changelist(ops)
    (q_small, _t, _), (q_large, _t, full) = results[SMALL], results[LARGE]
    print(
        f"admin shipment changelist queries {LARGE:,} / {SMALL:,} rows: {q_large} / {q_small}  "
        f"target equal  {'OK' if q_large == q_small else 'MISSED'}; full-table COUNT(*) at "
        f"{LARGE:,}: {'yes' if full else 'no'}"
    )


if __name__ == "__main__":
    main()
