"""FIN-01: quotes from versioned schedules, the shipment snapshot, re-weigh adjustments."""

import datetime
from decimal import Decimal as D

import pytest

from courier.finance.errors import FinanceInvalid
from courier.finance.models import FeeSchedule, FeeScheduleVersion, ShipmentFeeLine
from courier.finance.services import fees
from tests.courier.factories import OrderFactory, ShipmentFactory
from tests.factories import PartnerFactory, UserFactory
from tests.finance.factories import START, contract, parcel

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 20)


def amounts(quote):
    return {line.code: line.amount for line in quote.lines}


def test_quote_worked_example_across_regions():
    """FIN-01: 3.2 kg, 40×30×20 cm, 上海 → 广东 (华东 → 华南) by express, declared 2,000 yuan.
    Volumetric 24,000 ÷ 6000 = 4.0 kg > 3.2 kg: freight 12.00 + 6 × 2.50 = 27.00. Insurance
    2,000 × 3‰ = 6.00 (over the 1-yuan minimum). Fuel surcharge 3 % of 27.00 = 0.81. Special
    packing 10.00. Customs declaration as incurred 150.00. Total 27.00 + 6.00 + 150.00 + 10.00
    + 0.81 = 193.81 (the sum of the rounded lines)."""
    partner, _version = contract()
    quote = fees.fee_quote(
        partner,
        parcel(
            declared_value=D("2000"),
            extras=[
                {"code": "fuel"},
                {"code": "special_packing"},
                {"code": "customs_declaration", "amount": D("150")},
            ],
        ),
        on=DAY,
    )
    assert quote.chargeable_kg == D("4")
    assert amounts(quote) == {
        "freight": D("27.00"),
        "insurance": D("6.00"),
        "customs_declaration": D("150.00"),
        "special_packing": D("10.00"),
        "fuel": D("0.81"),
    }
    assert quote.total == D("193.81")
    freight = quote.lines[0]
    assert freight.rule["divisor"] == 6000
    assert freight.rule["lane"] == "express HD→HN"
    assert freight.rule["chargeable_kg"] == "4.000"


def test_quote_within_province_uses_its_divisor():
    """FIN-01: 上海 → 上海: the within-province lane (divisor 12000): 2.0 kg volumetric < 3.2 kg
    actual: 6.00 + ⌈2.2 ÷ 0.5⌉ = 5 × 1.00 = 11.00. A small declared value (200 yuan × 3‰ =
    0.60) pays the 1.00 minimum."""
    partner, _ = contract()
    quote = fees.fee_quote(
        partner, parcel(destination_province="上海", declared_value=D("200")), on=DAY
    )
    assert quote.chargeable_kg == D("3.2")
    assert amounts(quote) == {"freight": D("11.00"), "insurance": D("1.00")}
    assert quote.lines[0].rule["divisor"] == 12000


def test_whole_yuan_contract():
    """FIN-01: a contract's whole-yuan rule rounds each line half up to the yuan: fuel 3 % of
    27.00 = 0.81 → 1.00; the total is still the sum of the lines (28.00)."""
    partner, _ = contract(whole_yuan=True)
    quote = fees.fee_quote(partner, parcel(extras=[{"code": "fuel"}]), on=DAY)
    assert amounts(quote) == {"freight": D("27.00"), "fuel": D("1.00")}
    assert quote.total == D("28.00")


def test_default_schedule_for_partners_without_contract():
    """FIN-01: the seeded default schedule prices a partner without its own: express 华东 →
    华南, 4.0 kg: 15.00 + 6 × 3.00 = 33.00."""
    quote = fees.fee_quote(PartnerFactory(), parcel(), on=DAY)
    assert quote.schedule_code == "DEFAULT"
    assert amounts(quote) == {"freight": D("33.00")}


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"weight_kg": D("-1")}, "weight_kg", "bad_parcel"),
        ({"weight_kg": D("90000")}, "weight_kg", "bad_parcel"),
        ({"length_cm": D("0")}, "length_cm", "bad_parcel"),
        ({"height_cm": D("5000")}, "height_cm", "bad_parcel"),
        ({"height_cm": None}, "height_cm", "bad_parcel"),
        ({"origin_province": "火星"}, "origin_province", "unknown_zone"),
        ({"destination_province": "月球省"}, "destination_province", "unknown_zone"),
        ({"mode": "sea"}, "mode", "no_lane"),
        ({"extras": [{"code": "nope"}]}, "extras", "unknown_fee"),
        ({"extras": [{"code": "customs_declaration"}]}, "extras", "amount_needed"),
        ({"extras": [{"code": "fuel"}, {"code": "fuel"}]}, "extras", "duplicate_fee"),
    ],
)
def test_bad_quote_input_names_the_field(overrides, field, code):
    """FIN-01 bad input: a negative or absurd weight or dimension, an unknown zone, an unknown
    fee → a clear error naming the field."""
    partner, _ = contract()
    with pytest.raises(FinanceInvalid) as exc:
        fees.fee_quote(partner, parcel(**overrides), on=DAY)
    assert field in exc.value.message_dict
    assert exc.value.error_code == code


def test_no_schedule_in_force():
    """FIN-01: before the first version, no schedule is in force for the day."""
    partner, _ = contract()
    FeeScheduleVersion.objects.filter(schedule__partner__isnull=True).delete()
    with pytest.raises(FinanceInvalid) as exc:
        fees.fee_quote(partner, parcel(), on=START - datetime.timedelta(days=1))
    assert exc.value.error_code == "no_schedule"


def test_versions_by_effective_date():
    """FIN-01: a new version from 2026-12-01 (12.00 → 14.00 first kg) prices December; November
    still uses the old one, which now ends on 2026-12-01."""
    partner, old = contract()
    old.effective_to = datetime.date(2026, 12, 1)
    old.save()
    new = FeeScheduleVersion.objects.create(
        schedule=old.schedule, effective_from=datetime.date(2026, 12, 1)
    )
    lane = old.lanes.get(mode="express", province="")
    lane.pk, lane.version, lane.first_price = None, new, D("14.00")
    lane.save()
    assert amounts(fees.fee_quote(partner, parcel(), on=DAY))["freight"] == D("27.00")
    dec = fees.fee_quote(partner, parcel(), on=datetime.date(2026, 12, 5))
    assert amounts(dec)["freight"] == D("29.00")
    fees.schedule_versions_check(old.schedule)  # contiguous: no error


def test_overlapping_or_gapped_versions_refused():
    """FIN-01 bad input: a schedule with gaps or overlapping effective dates is refused naming
    the dates."""
    _partner, old = contract()
    schedule = old.schedule
    overlap = FeeScheduleVersion(schedule=schedule, effective_from=datetime.date(2026, 6, 1))
    with pytest.raises(FinanceInvalid) as exc:
        fees.schedule_versions_check(schedule, candidate=overlap)
    assert "2026-06-01" in str(exc.value) and exc.value.error_code == "schedule_periods"
    old.effective_to = datetime.date(2026, 6, 1)
    gap = FeeScheduleVersion(schedule=schedule, effective_from=datetime.date(2026, 7, 1))
    old.save()
    with pytest.raises(FinanceInvalid, match="gap"):
        fees.schedule_versions_check(schedule, candidate=gap)


def _shipment(partner, **order):
    defaults = {
        "sender_province": "上海市",
        "recipient_province": "广东省",
        "weight_kg": D("3.2"),
        "volume_m3": D("0.024"),
        "transport_mode": "road",
    }
    return ShipmentFactory(order=OrderFactory(partner=partner, **{**defaults, **order}))


def test_snapshot_is_kept_when_the_schedule_changes():
    """FIN-01: a shipment keeps the fee lines of its creation: road 华东 → 华南, 0.024 m³ =
    24,000 cm³ ÷ 6000 = 4.0 kg: 8.00 + 6 × 1.50 = 17.00; insurance on 2,000 declared: 6.00.
    Raising the lane's price afterwards does not rewrite the snapshot, and a second call
    returns the same lines."""
    partner, version = contract()
    user = UserFactory(is_superuser=True)
    shipment = _shipment(partner)
    lines = fees.shipment_fees_snapshot(shipment, user=user, declared_value=D("2000"), on=DAY)
    assert [(x.kind, x.amount) for x in lines] == [
        ("freight", D("17.00")),
        ("insurance", D("6.00")),
    ]
    lane = version.lanes.get(mode="road")
    lane.first_price = D("99.00")
    lane.save()
    fees.cache_clear()
    again = fees.shipment_fees_snapshot(shipment, user=user, on=DAY)
    assert [x.amount for x in again] == [D("17.00"), D("6.00")]
    assert ShipmentFeeLine.objects.filter(shipment=shipment).count() == 2
    assert lines[0].rule["first_price"] == "8.00"


def test_reweigh_adds_an_adjustment_line():
    """FIN-01/SHP-10: re-weighed at the station at 6.3 kg (> 4.0 volumetric): 8.00 +
    ⌈5.3 ÷ 0.5⌉ = 11 × 1.50 = 24.50, so +7.50 is added as an adjustment with the snapshot's
    rule; re-weighing at 6.3 again adds nothing; back to 3.0 kg (volumetric 4.0 counts): −7.50."""
    partner, _ = contract()
    user = UserFactory(is_superuser=True)
    shipment = _shipment(partner)
    fees.shipment_fees_snapshot(shipment, user=user, on=DAY)
    adj = fees.shipment_fees_reweigh(shipment, D("6.3"), user=user, reason="站点复磅")
    assert (adj.kind, adj.code, adj.amount) == ("adjustment", "reweigh", D("7.50"))
    assert adj.rule["replaces"] == "17.00"
    assert fees.shipment_fees_reweigh(shipment, D("6.3"), user=user) is None
    back = fees.shipment_fees_reweigh(shipment, D("3.0"), user=user)
    assert back.amount == D("-7.50")
    with pytest.raises(FinanceInvalid):
        fees.shipment_fees_reweigh(shipment, D("-2"), user=user)


def test_one_default_schedule_only():
    """FIN-01: there is one default schedule (no partner)."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        FeeSchedule(code="X", name="x").full_clean()
