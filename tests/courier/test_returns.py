"""Returns, exchanges and recall (RET-01..07)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courier.shipments.models import DeskInstruction, OrderRemark, RecallSlip, Shipment
from courier.shipments.services.delivery import delivery_attempt_record
from courier.shipments.services.returns import (
    exchange_early_approve,
    exchange_ship,
    recall_issue,
    recall_original_received,
    recall_refund,
    return_quality_photo_verify,
    return_receive,
    return_refund,
    return_request_approve,
    return_request_create,
    return_waybill_register,
)
from courier.shipments.services.shipments import StateConflict, shipment_transition
from tests.courier.factories import ShipmentFactory, intake, photo, private_storage, role_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    return private_storage(settings, tmp_path)


@pytest.fixture
def aftersales():
    return role_user("aftersales", "after1")


@pytest.fixture
def warehouse():
    return role_user("warehouse", "wh1")


@pytest.fixture
def delivered():
    return ShipmentFactory(state="delivered")


def _request(shipment, user, **kw):
    data = {
        "kind": "return",
        "reason": "尺码不合适",
        "contact_name": "张三",
        "contact_phone": "13812345678",
        "customer_ref": "tb_zhang",
    }
    data.update(kw)
    return return_request_create(shipment, user=user, **data)


def test_quality_claim_needs_verified_photo_before_approval(delivered, aftersales):
    """RET-02: a quality claim is accepted only after the customer's photo is verified."""
    rr = _request(delivered, aftersales, quality_problem=True, reason="鞋底开胶")
    with pytest.raises(ValidationError):
        return_request_approve(rr, user=aftersales)
    with pytest.raises(ValidationError):
        return_quality_photo_verify(rr, user=aftersales)
    rr2 = _request(
        ShipmentFactory(state="delivered"),
        aftersales,
        quality_problem=True,
        reason="鞋底开胶",
        photos=[photo()],
    )
    return_quality_photo_verify(rr2, user=aftersales)
    rr2 = return_request_approve(rr2, user=aftersales)
    assert rr2.state == "approved"


def test_freight_by_ret04_on_approval(aftersales):
    """RET-04: quality problem → company pays both ways and the prepaid return freight is
    refunded on receipt; otherwise the customer pays the return leg."""
    quality = _request(
        ShipmentFactory(state="delivered"),
        aftersales,
        kind="exchange",
        wanted_item="42码",
        quality_problem=True,
        photos=[photo()],
    )
    return_quality_photo_verify(quality, user=aftersales)
    quality = return_request_approve(quality, user=aftersales)
    assert (quality.return_leg_payer, quality.outbound_leg_payer) == ("company", "company")
    assert quality.refund_return_freight
    plain = return_request_approve(
        _request(ShipmentFactory(state="delivered"), aftersales), user=aftersales
    )
    assert (plain.return_leg_payer, plain.outbound_leg_payer) == ("customer", "")
    assert not plain.refund_return_freight


def test_return_flow_to_refund_with_service_card_and_inspection(delivered, aftersales, warehouse):
    """RET-05, RET-06, RET-04: the service card and the return waybill number are registered;
    the warehouse inspects and signs; after-sales refunds incl. prepaid freight for quality."""
    rr = _request(delivered, aftersales, quality_problem=True, photos=[photo()])
    assert (rr.customer_ref, rr.contact_name) == ("tb_zhang", "张三")
    return_quality_photo_verify(rr, user=aftersales)
    return_request_approve(rr, user=aftersales)
    with pytest.raises(ValidationError):
        return_waybill_register(rr, user=aftersales, return_waybill_number=" ")
    rr = return_waybill_register(
        rr, user=aftersales, return_waybill_number="SF1234567", freight_prepaid="12.00"
    )
    assert rr.state == "in_transit"
    with pytest.raises(PermissionDenied):
        return_receive(
            rr,
            user=aftersales.__class__.objects.create(username="nobody"),
            intact=True,
            box_complete=True,
            resaleable=True,
        )
    rr = return_receive(rr, user=warehouse, intact=True, box_complete=True, resaleable=True)
    assert (rr.state, rr.inspected_by) == ("received", warehouse)
    rr = return_refund(rr, user=aftersales, amount="200.00")
    assert (rr.state, rr.refund_amount) == ("refunded", Decimal("212.00"))
    states = [h.state for h in rr.history.order_by("history_id")]
    assert states[0] == "requested" and states[-1] == "refunded"


def test_return_not_resaleable_is_rejected(delivered, aftersales, warehouse):
    """RET-03: goods not intact, box incomplete or not resaleable → rejected."""
    rr = return_request_approve(_request(delivered, aftersales), user=aftersales)
    rr = return_waybill_register(rr, user=aftersales, return_waybill_number="YT1")
    rr = return_receive(rr, user=warehouse, intact=True, box_complete=False, resaleable=True)
    assert rr.state == "rejected" and rr.rejection_reason
    with pytest.raises(StateConflict):
        return_refund(rr, user=aftersales, amount="1")


def test_return_needs_delivered_shipment(aftersales):
    """RET-05: only a delivered parcel can be returned (a shipped one is recalled)."""
    with pytest.raises(StateConflict):
        _request(ShipmentFactory(state="in_transit"), aftersales)
    with pytest.raises(ValidationError) as info:
        _request(ShipmentFactory(state="delivered"), aftersales, kind="exchange")
    assert set(info.value.message_dict) == {"wanted_item"}


def test_exchange_not_shipped_before_return_received(aftersales, warehouse):
    """RET-07, RET-06: no exchange ships before the return is received; after receipt the
    printing desk is told to print the exchange waybill and the number is noted."""
    order = intake(user=UserFactory(is_superuser=True)).order
    original = ShipmentFactory(state="delivered", order=order)  # the exchange reuses the order
    rr = _request(original, aftersales, kind="exchange", wanted_item="42码")
    rr = return_request_approve(rr, user=aftersales)
    rr = return_waybill_register(rr, user=aftersales, return_waybill_number="ZTO9")
    with pytest.raises(StateConflict) as info:
        exchange_ship(rr, user=aftersales)
    assert info.value.code == "return_not_received"
    rr = return_receive(rr, user=warehouse, intact=True, box_complete=True, resaleable=True)
    rr = exchange_ship(rr, user=aftersales)
    exchange = rr.exchange_shipment
    assert (rr.state, exchange.kind, exchange.state) == ("exchange_shipped", "exchange", "created")
    assert exchange.order_id == original.order_id
    assert DeskInstruction.objects.get(shipment=exchange).desk == "printing"
    assert exchange.waybill_number in OrderRemark.objects.get(order=original.order).text


def test_supervisor_approval_allows_early_exchange_and_delivery_closes_it(aftersales):
    """RET-07, RET-06: with a supervisor's recorded approval the exchange ships first; its
    delivery is followed to the end."""
    ops = UserFactory(is_superuser=True)
    original = ShipmentFactory(state="delivered", order=intake(user=ops).order)
    rr = return_request_approve(
        _request(original, aftersales, kind="exchange", wanted_item="42码"), user=aftersales
    )
    with pytest.raises(PermissionDenied):
        exchange_early_approve(rr, user=aftersales, note="老客户")
    supervisor = role_user("supervisor", "boss")
    rr = exchange_early_approve(rr, user=supervisor, note="老客户急用")
    assert rr.early_exchange_approved_by == supervisor
    rr = exchange_ship(rr, user=aftersales)
    exchange = rr.exchange_shipment
    for name in ("print_waybill", "pack", "pick_up", "depart", "arrive_at_station", "send_out"):
        exchange = shipment_transition(exchange, name, user=ops)
    delivery_attempt_record(
        exchange,
        user=ops,
        delivered=True,
        signer_name="张三",
        packing_intact=True,
        count_matches=True,
        appearance_ok=True,
        signature=photo("s.png", b"s"),
    )
    rr.refresh_from_db()
    assert rr.state == "exchange_delivered"


def test_recall_of_shipped_parcel_with_two_part_slip(aftersales):
    """RET-01: a shipped parcel is recalled with a two-part slip signed by the courier; the
    printing desk signs "original parcel received", name and date; after-sales refunds."""
    ops = UserFactory(is_superuser=True)
    shipment = intake(user=ops).shipment
    for name in ("print_waybill", "pack", "pick_up"):
        shipment = shipment_transition(shipment, name, user=ops)
    with pytest.raises(ValidationError):
        recall_issue(shipment, user=aftersales, reason="客户不要了", courier_name="")
    printer = role_user("printing", "printer")
    slip = recall_issue(
        shipment, user=aftersales, reason="客户不要了", courier_name="快递员老赵", kept_by=printer
    )
    assert slip.slip_number == f"R{slip.pk:08d}"
    assert Shipment.objects.get(pk=shipment.pk).state == "returning"
    with pytest.raises(StateConflict):
        recall_refund(slip, user=aftersales, amount="200")
    with pytest.raises(ValidationError) as info:
        recall_original_received(slip, user=printer, received_name="", received_on=None)
    assert set(info.value.message_dict) == {"received_name", "received_on"}
    slip = recall_original_received(
        slip, user=printer, received_name="打单员小李", received_on=datetime.date(2026, 3, 5)
    )
    assert (slip.state, slip.received_name) == ("received", "打单员小李")
    assert Shipment.objects.get(pk=shipment.pk).state == "returned"
    slip = recall_refund(slip, user=aftersales, amount="200")
    assert slip.state == "refunded"
    assert RecallSlip.history.filter(id=slip.pk).count() == 3


def test_recall_refused_for_unshipped_or_by_wrong_role():
    """RET-01: only a shipped parcel is recalled, and only by after-sales (or above)."""
    agent = role_user("agent", "agent1")
    shipped = ShipmentFactory(state="in_transit")
    with pytest.raises(PermissionDenied):
        recall_issue(shipped, user=agent, reason="x", courier_name="y")
    with pytest.raises(StateConflict):
        recall_issue(
            ShipmentFactory(state="created"),
            user=role_user("aftersales", "a2"),
            reason="x",
            courier_name="y",
        )
