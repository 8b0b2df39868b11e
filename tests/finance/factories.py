"""Finance test data: a partner contract schedule with round, hand-checkable prices."""

import datetime
from decimal import Decimal as D

from courier.finance.models import (
    FeeItem,
    FeeLane,
    FeeRegion,
    FeeSchedule,
    FeeScheduleVersion,
    InsuranceRate,
    PartnerAccount,
)
from courier.finance.services.fees import cache_clear
from tests.factories import PartnerFactory

START = datetime.date(2026, 1, 1)


def region(code: str) -> FeeRegion:
    return FeeRegion.objects.get(code=code)  # seeded: HD 华东 (上海, 浙江 …), HN 华南 (广东 …)


def contract(partner=None, *, whole_yuan=False, start=START, account=None):
    """A partner schedule, version from 2026-01-01, steps 0.5 kg / 100 kg / 1 kg:

    - express 华东→华南: divisor 6000, first 1 kg 12.00, 2.50 per 0.5 kg, 4.00 per kg > 100 kg;
    - express within 上海: divisor 12000, first 1 kg 6.00, 1.00 per 0.5 kg, 2.00 per kg;
    - road 华东→华南: divisor 6000, first 1 kg 8.00, 1.50 per 0.5 kg, 3.00 per kg;
    - insurance 3‰, minimum 1.00, cap 1000.00;
    - customs declaration (agency, as incurred), special packing (other, 10.00 fixed),
      fuel surcharge 3 % of freight, remote-area surcharge 5.00 fixed.
    """
    partner = partner or PartnerFactory()
    schedule = FeeSchedule.objects.create(
        code=f"C-{partner.code}", name="合同价", partner=partner, whole_yuan=whole_yuan
    )
    version = FeeScheduleVersion.objects.create(schedule=schedule, effective_from=start)
    hd, hn = region("HD"), region("HN")
    FeeLane.objects.create(
        version=version,
        mode="express",
        origin=hd,
        destination=hn,
        divisor=6000,
        first_weight_kg=D("1"),
        first_price=D("12.00"),
        step_price=D("2.50"),
        heavy_step_price=D("4.00"),
    )
    FeeLane.objects.create(
        version=version,
        mode="express",
        origin=hd,
        destination=hd,
        province="上海",
        divisor=12000,
        first_weight_kg=D("1"),
        first_price=D("6.00"),
        step_price=D("1.00"),
        heavy_step_price=D("2.00"),
    )
    FeeLane.objects.create(
        version=version,
        mode="road",
        origin=hd,
        destination=hn,
        divisor=6000,
        first_weight_kg=D("1"),
        first_price=D("8.00"),
        step_price=D("1.50"),
        heavy_step_price=D("3.00"),
    )
    InsuranceRate.objects.create(
        version=version, rate_permille=D("3"), minimum=D("1.00"), cap=D("1000.00")
    )
    for code, category, method, value in [
        ("customs_declaration", "agency", "incurred", D("0")),
        ("special_packing", "other", "fixed", D("10.00")),
        ("fuel", "surcharge", "percent", D("3")),
        ("remote_area", "surcharge", "fixed", D("5.00")),
    ]:
        FeeItem.objects.create(
            version=version, code=code, name=code, category=category, method=method, value=value
        )
    terms = {  # the model's defaults (no credit, nothing prepaid), then the test's own terms
        "credit_limit": D("0"),
        "prepayment_ratio": D("0"),
        "max_shipment_amount": None,
        "warn_share": None,
        **(account or {}),
    }
    PartnerAccount.objects.update_or_create(partner=partner, defaults=terms)
    cache_clear()
    return partner, version


def parcel(**overrides) -> dict:
    """The issue's parcel: 3.2 kg, 40×30×20 cm, 上海 → 广东 by express."""
    data = {
        "mode": "express",
        "origin_province": "上海市",
        "destination_province": "广东省",
        "weight_kg": D("3.2"),
        "length_cm": D("40"),
        "width_cm": D("30"),
        "height_cm": D("20"),
    }
    data.update(overrides)
    return data
