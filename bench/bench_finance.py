"""Benchmark: building the monthly statements of PARTNERS partners (FIN-03) at two sizes.

Prints the queries, time and tracemalloc peak of ``statements_build`` over SMALL and LARGE
shipments (one freight and one insurance fee line each) spread over PARTNERS partners, and the
ratio of the two build times measured interleaved (S L S L ..., benchlib.PAIRS pairs after a
warm-up pair; each build is rolled back so the next pair builds the same statements).
The queries must not grow with the number of shipments or partners (the build is set-based:
one grouped read of the partners' totals, one INSERT of the statements and one of their
history, the lines by one INSERT ... SELECT, the fee lines linked by one UPDATE ... FROM),
memory stays bounded, and time grows about linearly (issue: ratio <= 12 for 1,000,000 vs
100,000).

    .venv/bin/python bench/bench_finance.py                      # 10,000 vs 100,000 shipments
    BENCH_FULL=1 .venv/bin/python bench/bench_finance.py         # 100,000 vs 1,000,000 (the issue)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/courier_bench ...  # on PostgreSQL

It runs in a throwaway test database (``test_<name>``), created and dropped here.
"""

import datetime
import os
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
os.environ.setdefault("COURIER_VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from benchlib import interleaved, ratio_line  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

FULL = os.environ.get("BENCH_FULL") == "1"
SMALL, LARGE = (100_000, 1_000_000) if FULL else (10_000, 100_000)
PARTNERS = int(os.environ.get("BENCH_PARTNERS", "1000"))
BATCH = 5000


ORDER_FIELDS = {
    "channel": "api",
    "sender_name": "a",
    "sender_phone": "13812345678",
    "sender_province": "上海市",
    "sender_city": "上海市",
    "sender_district": "静安区",
    "sender_address": "x",
    "recipient_name": "b",
    "recipient_phone": "13812345678",
    "recipient_province": "广东省",
    "recipient_city": "深圳市",
    "recipient_district": "南山区",
    "recipient_address": "y",
    "weight_kg": Decimal("3.2"),
}
FEES = (("freight", Decimal("27.00")), ("insurance", Decimal("6.00")))


def populate(tag: str, shipments: int):
    """PARTNERS partners with accounts; ``shipments`` orders, waybills and 2 fee lines each, in
    the month being billed. This measures the build, not the intake: on PostgreSQL the rows are
    written by three INSERT … SELECT generate_series statements (a template order and waybill
    written by the ORM are copied column by column, so every NOT NULL column has its value);
    elsewhere by ORM bulk inserts in batches."""
    from courier.core.models import Partner
    from courier.finance.models import FeeScheduleVersion, PartnerAccount

    partners = Partner.objects.bulk_create(
        [Partner(code=f"{tag}{i:05d}", name=f"{tag} {i}") for i in range(PARTNERS)]
    )
    PartnerAccount.objects.bulk_create([PartnerAccount(partner=p) for p in partners])
    version = FeeScheduleVersion.objects.filter(schedule__code="DEFAULT").first()
    at = timezone.make_aware(datetime.datetime(2026, 11, 15, 12))
    if connection.vendor == "postgresql":
        _populate_sql(tag, shipments, partners, version, at)
    else:
        _populate_orm(tag, shipments, partners, version, at)
    return [p.pk for p in partners]


def _insert_select(model, columns: dict, tail: str, params: list) -> None:
    """``INSERT INTO <model> (every column) SELECT <columns[c]> …tail``: ``columns`` maps each
    non-key column to its SQL expression (no placeholders); a missing column is an error."""
    qn = connection.ops.quote_name
    wanted = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    missing = set(wanted) - set(columns)
    assert not missing, f"{model.__name__}: no value for {sorted(missing)}"
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in wanted)}) "
        f"SELECT {', '.join(columns[c] for c in wanted)} {tail}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _populate_sql(tag, shipments, partners, version, at):
    from courier.finance.models import ShipmentFeeLine
    from courier.shipments.models import Order, Shipment

    qn = connection.ops.quote_name
    template = Order.objects.create(
        partner=partners[0], partner_ref=f"T{tag}", paid_at=at, **ORDER_FIELDS
    )
    waybill = Shipment.objects.create(
        waybill_number=f"T{tag}", order=template, partner_id=template.partner_id
    )
    # Orders: the template's values, the partner by turns, the reference "<tag>-<n>".
    cols = {f.column: f"t.{qn(f.column)}" for f in Order._meta.concrete_fields}
    cols[Order._meta.get_field("partner").column] = "p.ids[g.n %% p.k + 1]"
    cols[Order._meta.get_field("partner_ref").column] = f"'{tag}-' || g.n::text"
    _insert_select(
        Order,
        cols,
        f"FROM {qn(Order._meta.db_table)} t "
        "CROSS JOIN (SELECT %s::bigint[] AS ids, %s AS k) p "
        "CROSS JOIN generate_series(0, %s) AS g(n) WHERE t.id = %s",
        [[p.pk for p in partners], len(partners), shipments - 1, template.pk],
    )
    # Waybills: one per new order, numbered from the order's id.
    cols = {f.column: f"t.{qn(f.column)}" for f in Shipment._meta.concrete_fields}
    cols[Shipment._meta.get_field("order").column] = "o.id"
    cols[Shipment._meta.get_field("partner").column] = "o.partner_id"
    cols["waybill_number"] = f"'{tag[0]}' || lpad(o.id::text, 11, '0')"
    _insert_select(
        Shipment,
        cols,
        f"FROM {qn(Shipment._meta.db_table)} t CROSS JOIN {qn(Order._meta.db_table)} o "
        "WHERE t.id = %s AND o.partner_ref LIKE %s",
        [waybill.pk, f"{tag}-%"],
    )
    # Fee lines: freight 27.00 and insurance 6.00 per waybill.
    fee = ShipmentFeeLine._meta
    values = ", ".join(f"('{kind}', {amount})" for kind, amount in FEES)
    cols = {
        fee.get_field("shipment").column: "s.id",
        fee.get_field("partner").column: "s.partner_id",
        fee.get_field("version").column: str(version.pk),
        "kind": "k.kind",
        "code": "k.kind",
        "description": "k.kind",
        "amount": "k.amount",
        "chargeable_kg": "4.000",
        "rule": "'{}'::jsonb",
        fee.get_field("statement").column: "NULL",
        fee.get_field("created_by").column: "NULL",
        "reason": "''",
        "created_at": "%s",
    }
    _insert_select(
        ShipmentFeeLine,
        cols,
        f"FROM {qn(Shipment._meta.db_table)} s "
        f"JOIN {qn(Order._meta.db_table)} o ON o.id = s.{qn('order_id')} "
        f"CROSS JOIN (VALUES {values}) AS k(kind, amount) WHERE o.partner_ref LIKE %s",
        [at, f"{tag}-%"],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _populate_orm(tag, shipments, partners, version, at):
    from courier.finance.models import ShipmentFeeLine
    from courier.shipments.models import Order, Shipment

    for lo in range(0, shipments, BATCH):
        n = min(BATCH, shipments - lo)
        orders = Order.objects.bulk_create(
            [
                Order(
                    partner=partners[(lo + i) % PARTNERS],
                    partner_ref=f"{tag}-{lo + i}",
                    paid_at=at,
                    **ORDER_FIELDS,
                )
                for i in range(n)
            ]
        )
        ships = Shipment.objects.bulk_create(
            [
                Shipment(waybill_number=f"{tag[:2]}{lo + i:010d}", order=o, partner_id=o.partner_id)
                for i, o in enumerate(orders)
            ]
        )
        ShipmentFeeLine.objects.bulk_create(
            [
                ShipmentFeeLine(
                    shipment=s,
                    partner_id=s.partner_id,
                    version=version,
                    kind=kind,
                    code=kind,
                    description=kind,
                    amount=amount,
                    chargeable_kg=Decimal("4.000"),
                    created_at=at,
                )
                for s in ships
                for kind, amount in FEES
            ]
        )


def build_once(partner_ids: list[int], shipments: int) -> dict:
    """One timed ``statements_build`` over the seeded partners, rolled back afterwards so the
    next pair builds the same statements again (the rollback is outside the timing)."""
    from courier.finance.models import Statement
    from courier.finance.services.statements import statements_build

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with transaction.atomic():
        tracemalloc.start()
        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            ids = statements_build(
                "month",
                datetime.date(2026, 11, 1),
                datetime.date(2026, 12, 1),
                partner_ids=partner_ids,
            )
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        lines = sum(Statement.objects.filter(pk__in=ids).values_list("line_count", flat=True))
        assert len(ids) == PARTNERS and lines == shipments, (len(ids), lines)
        transaction.set_rollback(True)
    return {"queries": count[0], "seconds": seconds, "peak_mb": peak / 1e6}


def main():
    from django.conf import settings

    settings.DEBUG = False
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    runs = {"S": [], "L": []}
    try:
        seeded = time.perf_counter()
        partners = {"S": populate("S", SMALL), "L": populate("L", LARGE)}
        seed_seconds = time.perf_counter() - seeded
        sizes = {"S": SMALL, "L": LARGE}

        def timed(tag):
            def run():
                row = build_once(partners[tag], sizes[tag])
                runs[tag].append(row)
                return row["seconds"]

            return run

        ratios = interleaved(timed("S"), timed("L"))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"rows for both sizes written in {seed_seconds:.1f} s (outside the timing)")
    for tag in ("S", "L"):
        times = [r["seconds"] for r in runs[tag][1:]]
        row = runs[tag][-1]
        print(
            f"{PARTNERS} partners, {sizes[tag]:>9,} shipments: {row['queries']} queries, "
            f"median {statistics.median(times):.2f} s (min {min(times):.2f}, "
            f"max {max(times):.2f}), peak {row['peak_mb']:.1f} MB"
        )
    small, large = runs["S"][-1], runs["L"][-1]
    print(ratio_line(f"statements {LARGE:,} / {SMALL:,} shipments, time", ratios, "<=", 12))
    print(
        f"queries {large['queries']}/{small['queries']}, "
        f"memory {large['peak_mb'] / small['peak_mb']:.2f}"
    )
    # A fixed handful whatever the partners and shipments (set-based build); SQLite may split
    # the statements' INSERT by its parameter limit: never a query per shipment.
    print(
        f"queries per partner: {small['queries'] / PARTNERS:.1f}"
        f" → {large['queries'] / PARTNERS:.1f}"
    )
    assert large["queries"] <= 10 * PARTNERS + LARGE // 100, "a query per shipment"
    assert statistics.median(ratios) <= 12, "building grows faster than linearly"


if __name__ == "__main__":
    main()
