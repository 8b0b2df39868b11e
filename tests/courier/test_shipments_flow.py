"""The waybill state machine, role permissions, history, modification and cancellation by
stage, desk instructions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import TransitionNotAllowed

from courier.core.models import Notification
from courier.shipments.models import DeskInstruction, OrderRemark, Shipment
from courier.shipments.services.desk import (
    desk_instruction_acknowledge,
    desk_instruction_complete,
    desk_instruction_issue,
)
from courier.shipments.services.modify import shipment_modify
from courier.shipments.services.shipments import (
    StateConflict,
    shipment_cancel,
    shipment_reprint,
    shipment_transition,
)
from tests.courier.factories import ShipmentFactory, intake, role_user
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops():
    user = UserFactory(username="ops", is_superuser=True)
    EmployeeFactory(user=user, name="王五")
    return user


def _walk(shipment, user, *names):
    for name in names:
        shipment = shipment_transition(shipment, name, user=user)
    return shipment


def test_full_lifecycle_is_audited_with_user_and_timestamps(ops):
    """SHP-06: created → printed → packed → picked up → in transit → at station → out for
    delivery; each change is a history row naming the user."""
    shipment = intake(user=ops).shipment
    shipment = _walk(
        shipment,
        ops,
        "print_waybill",
        "pack",
        "pick_up",
        "depart",
        "arrive_at_station",
        "send_out",
    )
    shipment.refresh_from_db()
    assert shipment.state == "out_for_delivery"
    assert shipment.print_count == 1
    assert shipment.printed_at is not None and shipment.shipped_at is not None
    states = list(shipment.history.order_by("history_id").values_list("state", flat=True))
    assert states == [
        "created",
        "printed",
        "packed",
        "picked_up",
        "in_transit",
        "at_station",
        "out_for_delivery",
    ]
    assert set(shipment.history.values_list("history_user__username", flat=True)) == {"ops"}
    assert shipment.history.latest().history_change_reason == "at_station → out_for_delivery"


def test_state_field_is_protected():
    """SHP-06: the state changes only through transitions (django-fsm protected field)."""
    shipment = ShipmentFactory()
    with pytest.raises(AttributeError):
        shipment.state = "delivered"


def test_transition_not_allowed_from_state(ops):
    """SHP-06: an out-of-order transition is a conflict and changes nothing."""
    shipment = intake(user=ops).shipment
    with pytest.raises(TransitionNotAllowed):
        shipment_transition(shipment, "pack", user=ops)
    assert Shipment.objects.get(pk=shipment.pk).state == "created"


def test_role_permissions_gate_transitions(ops):
    """SHP-12: the printing desk prints, the warehouse packs; neither does the other's step."""
    shipment = intake(user=ops).shipment
    printing = role_user("printing", "printer")
    warehouse = role_user("warehouse", "packer")
    with pytest.raises(PermissionDenied):
        shipment_transition(shipment, "print_waybill", user=warehouse)
    shipment = shipment_transition(shipment, "print_waybill", user=printing)
    with pytest.raises(PermissionDenied):
        shipment_transition(shipment, "pack", user=printing)
    shipment = shipment_transition(shipment, "pack", user=warehouse)
    assert shipment.state == "packed"
    agent = role_user("agent", "agent1")
    with pytest.raises(PermissionDenied):
        shipment_transition(shipment, "pick_up", user=agent)


def test_delivery_failed_then_redelivery_and_loss(ops):
    """SHP-06: delivery failed → re-delivery; lost from transit."""
    shipment = _walk(
        intake(user=ops).shipment,
        ops,
        "print_waybill",
        "pack",
        "pick_up",
        "depart",
        "arrive_at_station",
        "send_out",
        "fail_delivery",
        "send_out",
    )
    assert shipment.state == "out_for_delivery"
    lost = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack", "pick_up", "mark_lost")
    assert lost.state == "lost" and lost.completed_at is not None


def test_cancel_before_printing_voids(ops):
    """SHP-07: not printed → void, with the remark naming date and person."""
    shipment = intake(user=ops).shipment
    outcome = shipment_cancel(shipment, user=ops, reason="客户不要了")
    assert (outcome.route, outcome.applied, outcome.shipment.state) == ("void", True, "cancelled")
    assert outcome.shipment.completed_at is not None
    remark = OrderRemark.objects.get(order=shipment.order)
    assert "王五" in remark.text
    # SHP-07, P3: the printing desk is told the order is void (issue 13 point 4).
    assert DeskInstruction.objects.get().desk == "printing"


@pytest.mark.parametrize("steps", [["print_waybill"], ["print_waybill", "pack"]])
def test_cancel_printed_or_packed_retrieves_from_warehouse(ops, steps):
    """SHP-07, SHP-12: printed or packed → cancelled and the warehouse is instructed (in the
    system) to hand back the waybill or parcel before the refund."""
    shipment = _walk(intake(user=ops).shipment, ops, *steps)
    outcome = shipment_cancel(shipment, user=ops)
    assert (outcome.route, outcome.shipment.state) == ("retrieve", "cancelled")
    instruction = DeskInstruction.objects.get(shipment=shipment)
    assert instruction.desk == "warehouse" and instruction.state == "sent"
    assert shipment.waybill_number in instruction.text


def test_cancel_after_shipping_goes_to_aftersales(ops):
    """SHP-07: shipped → handed to after-sales for recall; the shipment is not cancelled."""
    aftersales = role_user("aftersales", "as1")
    shipment = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack", "pick_up")
    outcome = shipment_cancel(shipment, user=ops, reason="客户不要了")
    assert (outcome.route, outcome.applied) == ("recall", False)
    assert Shipment.objects.get(pk=shipment.pk).state == "picked_up"
    assert Notification.objects.filter(recipient=aftersales).count() == 1


def test_cancel_delivered_is_refused(ops):
    """SHP-07: a delivered shipment can no longer be cancelled (409)."""
    shipment = ShipmentFactory(state="delivered")
    with pytest.raises(StateConflict):
        shipment_cancel(shipment, user=ops)


def test_modify_before_printing_edits_and_writes_remark(ops):
    """SHP-06: not printed → edit and note "customer requested X changed to Y, done — date,
    name"; the history records the change."""
    shipment = intake(user=ops).shipment
    outcome = shipment_modify(
        shipment,
        {"recipient_address": "科技园路8号", "transport_mode": "air"},
        user=ops,
        confirmed_via="chat",
    )
    assert (outcome.route, outcome.applied) == ("edit", True)
    order = shipment.order
    order.refresh_from_db()
    assert (order.recipient_address, order.transport_mode) == ("科技园路8号", "air")
    texts = list(OrderRemark.objects.filter(order=order).values_list("text", flat=True))
    assert len(texts) == 2
    assert "广东省深圳市南山区科技园路8号" in texts[0] and "王五" in texts[0]
    assert "Road" in texts[1] or "公路" in texts[1]
    assert order.history.latest().recipient_address == "科技园路8号"
    # Issue 13 point 1: before printing too, the printing desk is told in the system.
    assert DeskInstruction.objects.get().desk == "printing"


def test_modify_printed_tells_printing_desk(ops):
    """SHP-06, SHP-12: printed → edit the printed waybill and note; the printing desk gets the
    instruction through the system."""
    shipment = _walk(intake(user=ops).shipment, ops, "print_waybill")
    outcome = shipment_modify(shipment, {"recipient_name": "张四"}, user=ops, confirmed_via="chat")
    assert outcome.route == "edit_printed"
    instruction = DeskInstruction.objects.get()
    assert instruction.desk == "printing" and "张四" in instruction.text


def test_modify_packed_requires_reprint_before_pickup(ops):
    """SHP-06: packed → edit, the parcel comes back and the waybill is re-printed; it cannot be
    picked up until re-printed."""
    shipment = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack")
    outcome = shipment_modify(
        shipment, {"recipient_phone": "13900001111"}, user=ops, confirmed_via="chat"
    )
    assert outcome.route == "reprint"
    assert sorted(DeskInstruction.objects.values_list("desk", flat=True)) == [
        "printing",
        "warehouse",
    ]
    shipment.refresh_from_db()
    assert shipment.needs_reprint
    assert shipment.order.recipient_phone_last4 == "1111"
    with pytest.raises(StateConflict):
        shipment_transition(shipment, "pick_up", user=ops)
    shipment = shipment_reprint(shipment, user=role_user("printing", "printer"))
    assert (shipment.print_count, shipment.needs_reprint) == (2, False)
    assert shipment_transition(shipment, "pick_up", user=ops).state == "picked_up"


def test_modify_after_shipping_goes_to_aftersales(ops):
    """SHP-06, ORG-03: shipped → hand to after-sales; the order is not changed; the request in
    full is the order's red-flag remark, the notice (e-mailed to the group) shows it masked; a
    second request is a second notice."""
    role_user("aftersales", "as1")
    shipment = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack", "pick_up")
    changes = {"recipient_address": "滨海大道88号", "recipient_phone": "13900001234"}
    outcome = shipment_modify(shipment, changes, user=ops)
    assert (outcome.route, outcome.applied) == ("aftersales", False)
    shipment.order.refresh_from_db()
    assert shipment.order.recipient_address == "科技园路2号"
    note = Notification.objects.get()
    assert "13900001234" not in note.body and "滨海大道88号" not in note.body
    assert note.body == "收件人地址：****；收件人电话：139********"
    remark = OrderRemark.objects.get(order=shipment.order)
    assert remark.red_flag and "滨海大道88号" in remark.text and "13900001234" in remark.text
    shipment_modify(shipment, {"recipient_name": "李四"}, user=ops)
    assert Notification.objects.count() == 2


def test_modify_bad_input_and_wrong_state_change_nothing(ops):
    """SHP-06: an invalid phone is a field error; a delivered shipment refuses changes; a field
    that cannot be modified is refused; nothing is partly saved."""
    shipment = intake(user=ops).shipment
    with pytest.raises(ValidationError) as info:
        shipment_modify(
            shipment,
            {"recipient_phone": "123", "recipient_address": "新地址"},
            user=ops,
            confirmed_via="chat",
        )
    assert set(info.value.message_dict) == {"recipient_phone"}
    shipment.order.refresh_from_db()
    assert shipment.order.recipient_address == "科技园路2号"
    assert not OrderRemark.objects.exists()
    with pytest.raises(ValidationError):
        shipment_modify(shipment, {"partner_ref": "X"}, user=ops)
    with pytest.raises(StateConflict):
        shipment_modify(ShipmentFactory(state="delivered"), {"recipient_name": "X"}, user=ops)


def test_desk_instruction_acknowledged_and_done_with_feedback(ops):
    """SHP-12: an instruction to the desk is a record; the desk acknowledges and reports back
    when done; the issuer is told."""
    clerk = role_user("presales", "clerk")
    printer = role_user("printing", "printer")
    instruction = desk_instruction_issue("printing", "请注意 ID abc 改地址", user=clerk)
    assert instruction.state == "sent"
    desk_instruction_acknowledge(instruction, user=printer)
    with pytest.raises(ValidationError):
        desk_instruction_complete(instruction, user=printer, feedback="")
    done = desk_instruction_complete(instruction, user=printer, feedback="已在E店宝修改")
    assert (done.state, done.done_by, done.feedback) == ("done", printer, "已在E店宝修改")
    assert Notification.objects.get().recipient == clerk
    with pytest.raises(StateConflict):
        desk_instruction_complete(done, user=printer, feedback="again")


def test_urgent_desk_instruction_needs_name_and_date(ops):
    """SHP-12: urgent instructions carry name and date, enforced by the service and the
    database."""
    with pytest.raises(ValidationError) as info:
        desk_instruction_issue("warehouse", "马上找出包裹", user=ops, urgent=True)
    assert set(info.value.message_dict) == {"signed_name", "signed_on"}
    urgent = desk_instruction_issue(
        "warehouse",
        "马上找出包裹",
        user=ops,
        urgent=True,
        signed_name="王五",
        signed_on=datetime.date(2026, 3, 2),
    )
    assert urgent.urgent and urgent.signed_name == "王五"
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        DeskInstruction.objects.create(desk="warehouse", text="x", urgent=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_apply_once():
    """SHP-06: two desks pressing "printed" at the same moment: the row lock lets one win, the
    other gets a conflict; the waybill counts one print and one history row for it."""
    import threading

    from django.db import connections

    user = UserFactory(username="ops2", is_superuser=True)
    shipment = intake(user=user).shipment
    barrier = threading.Barrier(2)
    results = []

    def press():
        try:
            barrier.wait()
            shipment_transition(Shipment(pk=shipment.pk), "print_waybill", user=user)
            results.append("ok")
        except StateConflict:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "ok"]
    shipment.refresh_from_db()
    assert (shipment.state, shipment.print_count) == ("printed", 1)
    assert shipment.history.filter(state="printed").count() == 1
