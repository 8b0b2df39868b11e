"""FIN-01/FIN-02 where finance meets the shipments domain: the fee snapshot written by the
intake (or later, by the task, for a shipment not priced then), the station re-weigh's
adjustment line, and printing/dispatch refused while a
shipment is held for credit.

Worked example used throughout (checked by hand): the contract's road lane 华东 → 华南,
divisor 6000, first 1 kg 8.00, 1.50 per further 0.5 kg. A 3.2 kg parcel of 0.024 m³
(24,000 cm³ ÷ 6000 = 4.0 kg volumetric) is charged 4.0 kg: 8.00 + ⌈(4.0 − 1) ÷ 0.5⌉ = 6 × 1.50
= 17.00. Re-weighed at 5.3 kg: 8.00 + ⌈4.3 ÷ 0.5⌉ = 9 × 1.50 = 21.50, an adjustment of +4.50.
"""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courier.core.errors import StateConflict
from courier.finance.models import CreditHold, FeeLane, FeeScheduleVersion, ShipmentFeeLine
from courier.finance.services import fees, ledger
from courier.finance.tasks import shipment_fees_snapshot as snapshot_task
from courier.shipments.models import Shipment, StationScan
from courier.shipments.services.shipments import shipment_reprint, shipment_transition
from courier.shipments.services.stations import station_inbound
from tests.courier.factories import OrderFactory, ShipmentFactory, StationFactory, intake
from tests.factories import UserFactory
from tests.finance.factories import contract, region
from tests.finance.helpers import finance_user

pytestmark = pytest.mark.django_db

ROAD = {"transport_mode": "road", "weight_kg": D("3.2"), "volume_m3": D("0.024")}


def _queued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        snapshot_task, "apply_async", lambda args=(), **kw: calls.append(tuple(args))
    )
    return calls


def _shipment(partner, **order):
    return ShipmentFactory(
        order=OrderFactory(
            partner=partner,
            **{"sender_province": "上海市", "recipient_province": "广东省", **ROAD, **order},
        )
    )


def test_intake_writes_the_snapshot_in_its_transaction(monkeypatch):
    """FIN-01: order intake writes the fee snapshot itself, with the shipment (no task is
    queued): freight 17.00 (the worked example) with the rule used, by the intake's user."""
    partner, version = contract(account={"credit_limit": D("1000")})
    calls = _queued(monkeypatch)
    result = intake(partner, **ROAD)
    assert calls == []
    [line] = ShipmentFeeLine.objects.filter(shipment=result.shipment)
    assert (line.kind, line.amount, line.chargeable_kg) == ("freight", D("17.00"), D("4.000"))
    assert line.version_id == version.pk and line.rule["formula"]
    assert line.created_by == result.order.verified_by
    assert snapshot_task(result.shipment.pk) == 1  # a re-run returns the lines written


def test_snapshot_task_uses_the_schedule_of_the_creation_day_once(monkeypatch):
    """FIN-01: the task prices with the version in force on the day the shipment was CREATED,
    not the day it runs (version 1 until 2026-06-01: 17.00; version 2 after: 99.00 first
    weight: 99.00 + 6 × 1.50 = 108.00), writes one snapshot per shipment (a re-run returns
    the same lines and adds nothing), and skips a cancelled shipment."""
    partner, v1 = contract(account={"credit_limit": D("1000")})
    v1.effective_to = datetime.date(2026, 6, 1)
    v1.save()
    v2 = FeeScheduleVersion.objects.create(
        schedule=v1.schedule, effective_from=datetime.date(2026, 6, 1)
    )
    FeeLane.objects.create(
        version=v2,
        mode="road",
        origin=region("HD"),
        destination=region("HN"),
        divisor=6000,
        first_weight_kg=D("1"),
        first_price=D("99.00"),
        step_price=D("1.50"),
        heavy_step_price=D("3.00"),
    )
    fees.cache_clear()
    old, new = _shipment(partner), _shipment(partner)
    Shipment.objects.filter(pk=old.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 3, 15, 10))
    )
    fees.shipment_fees_snapshot_due(old.pk)
    fees.shipment_fees_snapshot_due(new.pk)
    assert fees.shipment_fees_snapshot_due(old.pk)[0].amount == D("17.00")  # a re-run
    assert ShipmentFeeLine.objects.filter(shipment=old).count() == 1
    assert ShipmentFeeLine.objects.get(shipment=old).version_id == v1.pk
    assert ShipmentFeeLine.objects.get(shipment=new).amount == D("108.00")  # 99 + 6 × 1.50
    cancelled = _shipment(partner, partner_ref="X")
    Shipment.objects.filter(pk=cancelled.pk).update(state="cancelled")
    assert fees.shipment_fees_snapshot_due(cancelled.pk) is None
    assert not ShipmentFeeLine.objects.filter(shipment=cancelled).exists()


def test_broker_down_then_the_sweep_queues_the_missed_snapshots(monkeypatch):
    """FIN-01: the sweep queues every recent shipment without lines (one not priced at intake)
    that is older than the grace period, and none that is priced, cancelled, too new or older
    than 48 hours; with the broker down it queues nothing and raises nothing."""
    partner, _version = contract(account={"credit_limit": D("1000")})

    def down(*a, **kw):
        raise ConnectionError("broker down")

    missed, priced, cancelled, fresh, old = (_shipment(partner) for _ in range(5))
    fees.shipment_fees_snapshot_due(priced.pk)
    Shipment.objects.filter(pk=cancelled.pk).update(state="cancelled")
    now = timezone.now()
    Shipment.objects.filter(pk__in=[missed.pk, priced.pk, cancelled.pk]).update(
        created_at=now - datetime.timedelta(minutes=10)
    )
    Shipment.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(hours=49))
    monkeypatch.setattr(snapshot_task, "apply_async", down)
    assert fees.shipment_fees_snapshots_sweep(now=now) == 0
    calls = _queued(monkeypatch)
    assert fees.shipment_fees_snapshots_sweep(now=now) == 1
    assert calls == [(missed.pk,)]
    assert fresh.pk not in [c[0] for c in calls]


def test_unpriceable_shipment_is_left_to_finance_once():
    """FIN-01 bad input: a shipment to a province in no fee region is not priced; finance is
    told once (the sweep may try again), and nothing is written."""
    from courier.core.models import Notification

    partner, _version = contract()
    finance_user().groups.add(*[])
    shipment = _shipment(partner, recipient_province="火星")
    assert fees.shipment_fees_snapshot_due(shipment.pk) is None
    assert fees.shipment_fees_snapshot_due(shipment.pk) is None
    assert not ShipmentFeeLine.objects.filter(shipment=shipment).exists()
    assert Notification.objects.filter(dedupe_key=f"finance-unpriced-{shipment.pk}").count() <= 1


def test_station_reweigh_adds_the_adjustment_line():
    """FIN-01/SHP-10: the station weighs 5.3 kg: an adjustment line of +4.50 (21.50 − 17.00,
    worked example); the same weight again adds nothing; a shipment whose snapshot was not
    written yet is priced from its order first (17.00), then adjusted."""
    partner, _version = contract(account={"credit_limit": D("1000")})
    station, user = StationFactory(), UserFactory(is_superuser=True)
    shipment = _shipment(partner, partner_ref="A")
    Shipment.objects.filter(pk=shipment.pk).update(state="in_transit")
    fees.shipment_fees_snapshot_due(shipment.pk)
    station_inbound(
        shipment,
        station,
        user=user,
        intact=True,
        weight_kg=D("5.3"),
        shelf_location="A1",
        source="x",
    )
    rows = list(ShipmentFeeLine.objects.filter(shipment=shipment).values_list("kind", "amount"))
    assert rows == [("freight", D("17.00")), ("adjustment", D("4.50"))]
    station_inbound(
        shipment,
        station,
        user=user,
        intact=True,
        weight_kg=D("5.3"),
        shelf_location="A1",
        source="x",
    )
    assert ShipmentFeeLine.objects.filter(shipment=shipment).count() == 2
    unpriced = _shipment(partner, partner_ref="B")
    station_inbound(
        unpriced,
        station,
        user=user,
        intact=True,
        weight_kg=D("5.3"),
        shelf_location="A2",
        source="x",
    )
    rows = list(ShipmentFeeLine.objects.filter(shipment=unpriced).values_list("kind", "amount"))
    assert rows == [("freight", D("17.00")), ("adjustment", D("4.50"))]


def test_station_absurd_weight_refuses_the_scan_whole():
    """FIN-01 bad input: an absurd weight at the station is refused naming weight_kg; neither
    the scan nor an adjustment line is written."""
    partner, _version = contract(account={"credit_limit": D("1000")})
    shipment = _shipment(partner)
    fees.shipment_fees_snapshot_due(shipment.pk)
    with pytest.raises(ValidationError) as exc:
        station_inbound(
            shipment,
            StationFactory(),
            user=UserFactory(is_superuser=True),
            intact=True,
            weight_kg=D("99999"),
            shelf_location="A1",
            source="x",
        )
    assert "weight_kg" in exc.value.message_dict
    assert not StationScan.objects.exists()
    assert ShipmentFeeLine.objects.filter(shipment=shipment).count() == 1


def _held(partner=None):
    """A shipment over a credit limit of 0 (no prepayment): 17.00 > 0 → held."""
    partner, _version = contract(partner)
    shipment = _shipment(partner)
    fees.shipment_fees_snapshot_due(shipment.pk)
    assert ledger.credit_hold_active(shipment)
    return shipment


def test_print_and_dispatch_refused_while_held_then_printed_when_released():
    """FIN-02: printing a held shipment is refused with a clear message naming the waybill
    and nothing changes; once finance releases the hold (with the override recorded) it
    prints; a shipment held after printing cannot be picked up (dispatched) or re-printed."""
    shipment = _held()
    desk = UserFactory(is_superuser=True)
    with pytest.raises(StateConflict) as exc:
        shipment_transition(shipment, "print_waybill", user=desk)
    assert exc.value.error_code == "credit_hold"
    assert shipment.waybill_number in str(exc.value.messages[0])
    assert Shipment.objects.get(pk=shipment.pk).state == "created"
    hold = CreditHold.objects.get(shipment=shipment)
    ledger.credit_hold_release(hold, user=finance_user(), reason="客户已承诺付款")
    assert shipment_transition(shipment, "print_waybill", user=desk).state == "printed"
    later = _held()
    Shipment.objects.filter(pk=later.pk).update(state="packed", needs_reprint=True)
    with pytest.raises(StateConflict):
        shipment_reprint(later, user=desk)
    Shipment.objects.filter(pk=later.pk).update(needs_reprint=False)
    with pytest.raises(StateConflict) as exc:
        shipment_transition(later, "pick_up", user=desk)
    assert exc.value.error_code == "credit_hold"


def test_admin_print_button_refused_while_held_then_prints(client):
    """FIN-02: in the admin, "Mark printed" on a held shipment shows the refusal as a message
    and leaves it unprinted; after finance releases the hold the same button prints it."""
    shipment = _held()
    client.force_login(UserFactory(is_superuser=True))
    client.cookies["django_language"] = "en"
    url = f"/admin/courier/shipment/{shipment.pk}/do/print_waybill/"
    response = client.post(url, follow=True)
    assert "held for credit" in response.content.decode()
    assert Shipment.objects.get(pk=shipment.pk).state == "created"
    hold = CreditHold.objects.get(shipment=shipment)
    ledger.credit_hold_release(hold, user=finance_user(), reason="预付款已到账")
    assert client.post(url).status_code == 302
    assert Shipment.objects.get(pk=shipment.pk).state == "printed"
