"""Benchmark: building the monthly statements of PARTNERS partners (FIN-03) at two sizes.

Prints the queries, time and tracemalloc peak of ``statements_build`` over SMALL and LARGE
shipments (one freight and one insurance fee line each) spread over PARTNERS partners, and the
ratios. The queries must not grow with the number of shipments (fee lines are aggregated in the
database and streamed, statement lines are bulk-inserted in batches, fee lines are linked with one
UPDATE per partner), memory stays bounded, and time grows about linearly (issue: ratio ≤ 12 for
1,000,000 vs 100,000).

    .venv/bin/python bench/bench_finance.py                      # 10,000 vs 100,000 shipments
    BENCH_FULL=1 .venv/bin/python bench/bench_finance.py         # 100,000 vs 1,000,000 (the issue)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/courier_bench ...  # on PostgreSQL

It runs in a throwaway test database (``test_<name>``), created and dropped here.
"""

import datetime
import os
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

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

FULL = os.environ.get("BENCH_FULL") == "1"
SMALL, LARGE = (100_000, 1_000_000) if FULL else (10_000, 100_000)
PARTNERS = int(os.environ.get("BENCH_PARTNERS", "1000"))
BATCH = 5000


def populate(tag: str, shipments: int):
    """PARTNERS partners with accounts; ``shipments`` orders, waybills and 2 fee lines each, in
    the month being billed (raw bulk inserts: this measures the build, not the intake)."""
    from courier.core.models import Partner
    from courier.finance.models import FeeScheduleVersion, PartnerAccount, ShipmentFeeLine
    from courier.shipments.models import Order, Shipment

    partners = Partner.objects.bulk_create(
        [Partner(code=f"{tag}{i:05d}", name=f"{tag} {i}") for i in range(PARTNERS)]
    )
    PartnerAccount.objects.bulk_create([PartnerAccount(partner=p) for p in partners])
    version = FeeScheduleVersion.objects.filter(schedule__code="DEFAULT").first()
    at = timezone.make_aware(datetime.datetime(2026, 11, 15, 12))
    for lo in range(0, shipments, BATCH):
        n = min(BATCH, shipments - lo)
        orders = Order.objects.bulk_create(
            [
                Order(
                    partner=partners[(lo + i) % PARTNERS],
                    channel="api",
                    partner_ref=f"{tag}-{lo + i}",
                    sender_name="a",
                    sender_phone="13812345678",
                    sender_province="上海市",
                    sender_city="上海市",
                    sender_district="静安区",
                    sender_address="x",
                    recipient_name="b",
                    recipient_phone="13812345678",
                    recipient_province="广东省",
                    recipient_city="深圳市",
                    recipient_district="南山区",
                    recipient_address="y",
                    weight_kg=Decimal("3.2"),
                    paid_at=at,
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
        lines = []
        for s in ships:
            for kind, amount in (("freight", Decimal("27.00")), ("insurance", Decimal("6.00"))):
                lines.append(
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
                )
        ShipmentFeeLine.objects.bulk_create(lines)
    return [p.pk for p in partners]


def measure(tag: str, shipments: int) -> dict:
    from courier.finance.models import Statement
    from courier.finance.services.statements import statements_build

    partner_ids = populate(tag, shipments)
    tracemalloc.start()
    start = time.perf_counter()
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

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
    return {
        "shipments": shipments,
        "queries": count[0],
        "seconds": seconds,
        "peak_mb": peak / 1e6,
    }


def main():
    from django.conf import settings

    settings.DEBUG = False
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        small = measure("S", SMALL)
        large = measure("L", LARGE)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    for row in (small, large):
        print(
            f"{PARTNERS} partners, {row['shipments']:>9,} shipments: {row['queries']} queries, "
            f"{row['seconds']:.2f} s, peak {row['peak_mb']:.1f} MB"
        )
    ratio = large["seconds"] / small["seconds"]
    print(
        f"ratio time {ratio:.2f} (≤ 12), queries {large['queries']}/{small['queries']}, "
        f"memory {large['peak_mb'] / small['peak_mb']:.2f}"
    )
    # Per partner a fixed handful (statement, its history, the fee-line UPDATE); beyond that only
    # the batched INSERTs of statement lines, which SQLite splits by its parameter limit (one
    # INSERT per ~110 lines; PostgreSQL: one per 5,000): never a query per shipment.
    per_partner = large["queries"] / PARTNERS
    print(f"queries per partner: {small['queries'] / PARTNERS:.1f} → {per_partner:.1f}")
    assert large["queries"] <= 10 * PARTNERS + LARGE // 100, "a query per shipment"
    assert ratio <= 12, "building grows faster than linearly"


if __name__ == "__main__":
    main()
