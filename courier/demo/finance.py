"""Demo data for finance: the demo partner's own contract price list (FIN-01), so its fee
snapshots, prepayment and issued statement (``courier.finance.services.demo``) show a partner
contract rather than the default list. Safe to run again."""

import datetime as dt
from decimal import Decimal

from courier.finance import money
from courier.finance.models import FeeItem, FeeLane, FeeSchedule, FeeScheduleVersion, InsuranceRate
from courier.finance.services.fees import cache_clear

SCHEDULE_CODE = "DEMO-CONTRACT"
DISCOUNT = Decimal("0.90")  # the contract: 10% off the standard list's lane prices
INSURANCE = {"rate_permille": Decimal("3"), "minimum": Decimal("1"), "cap": Decimal("2000")}


def fee_schedule_ensure(partner, clock) -> FeeSchedule:
    """The partner's contract schedule: one version from the first day of the demo's year,
    every lane of the standard list at 90% (each price rounded half up to the fen), insurance
    3‰ with a minimum of 1 yuan and a cap of 2,000 yuan, the standard fee items."""
    schedule = FeeSchedule.objects.filter(partner=partner).first()
    if schedule is not None:
        return schedule
    default = (
        FeeScheduleVersion.objects.filter(schedule__code="DEFAULT", schedule__partner__isnull=True)
        .order_by("effective_from")
        .first()
    )
    schedule = FeeSchedule.objects.create(
        code=SCHEDULE_CODE, name="演示商城合同价 Demo Mall contract", partner=partner
    )
    version = FeeScheduleVersion.objects.create(
        schedule=schedule,
        effective_from=dt.date(clock.today.year, 1, 1),
        light_step_kg=default.light_step_kg,
        heavy_from_kg=default.heavy_from_kg,
        heavy_step_kg=default.heavy_step_kg,
        note="合同价:标准价九折",
    )

    def off(price: Decimal) -> Decimal:
        return money.round_line(price * DISCOUNT)

    FeeLane.objects.bulk_create(
        [
            FeeLane(
                version=version,
                mode=lane.mode,
                origin_id=lane.origin_id,
                destination_id=lane.destination_id,
                province=lane.province,
                divisor=lane.divisor,
                first_weight_kg=lane.first_weight_kg,
                first_price=off(lane.first_price),
                step_price=off(lane.step_price),
                heavy_step_price=off(lane.heavy_step_price),
            )
            for lane in default.lanes.all()
        ]
    )
    InsuranceRate.objects.create(
        version=version, mode="", terms="保价 3‰,最低 1 元,最高 2000 元", **INSURANCE
    )
    FeeItem.objects.bulk_create(
        [
            FeeItem(
                version=version,
                code=item.code,
                name=item.name,
                category=item.category,
                method=item.method,
                value=item.value,
                automatic=item.automatic,
            )
            for item in default.items.all()
        ]
    )
    cache_clear()
    return schedule
