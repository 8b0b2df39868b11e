"""The order desk (issue 13 points 1-6): modifications after payment confirmed with the customer
and passed to the printing desk, goods-line changes, special requests, the refund after a void,
urgent orders and the warehouse's stock answer, the transport-mode choice, signed print
batches."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from courier.core.errors import StateConflict
from courier.core.models import Notification
from courier.shipments.models import (
    DeskInstruction,
    DispatchSettings,
    OrderRemark,
    PrintBatch,
    RefundTask,
    RemarkTemplate,
    Shipment,
    TransportChoice,
    TransportModeRule,
)
from courier.shipments.services.modify import order_line_modify, shipment_modify
from courier.shipments.services.orderdesk import (
    order_dispatch_promise,
    order_urgent_mark,
    print_batch_sign,
    refund_task_dispose,
    refund_task_done,
    remarks_not_passed_on,
    special_request_confirm,
    special_request_record,
    stock_confirm,
    transport_mode_choose,
    transport_mode_suggestion,
)
from courier.shipments.services.shipments import shipment_cancel, shipment_transition
from tests.courier.factories import intake, role_user
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)
TODAY = "2026.12.01"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ops():
    user = UserFactory(username="ops", is_superuser=True)
    EmployeeFactory(user=user, name="王五")
    return user


def _walk(shipment, user, *names):
    for name in names:
        shipment = shipment_transition(shipment, name, user=user)
    return shipment


def _order_with_line(ops, **overrides):
    result = intake(user=ops, **overrides)
    line = result.order.lines.get()
    line.colour, line.size = "黑色", "40"
    line.save()
    return result


# --- point 1 and 2: modification after payment --------------------------------------------------
def test_modify_refused_until_confirmed_with_the_customer(ops):
    """SHP-06, P2: a change after payment is confirmed with the customer before it is made and
    passed on; without saying how, nothing is changed or written."""
    shipment = intake(user=ops).shipment
    with translation.override("en"), pytest.raises(ValidationError) as info:
        shipment_modify(shipment, {"recipient_address": "科技园路8号"}, user=ops)
    assert info.value.message_dict == {
        "confirmed_via": [
            "Confirm the change with the customer first, and say how it was confirmed."
        ]
    }
    shipment.order.refresh_from_db()
    assert shipment.order.recipient_address == "科技园路2号"
    assert not OrderRemark.objects.exists() and not DeskInstruction.objects.exists()


def test_address_change_before_printing_is_remarked_confirmed_and_passed_on(ops):
    """SHP-06, SHP-12, P2, P4: not printed → "客户要求修改地址，新地址为：××——date name"; the
    confirmation is recorded (who, when, how) and the printing desk is told in the system,
    also before printing ("通知打单人员注意此ID订单已修改")."""
    shipment = intake(user=ops, partner_ref="TB-1001").shipment
    outcome = shipment_modify(
        shipment,
        {"recipient_address": "科技园路8号"},
        user=ops,
        confirmed_via="chat",
        confirmation_note="旺旺确认",
    )
    assert (outcome.route, outcome.applied) == ("edit", True)
    remark = OrderRemark.objects.get()
    assert remark.text == f"客户要求修改地址，新地址为：广东省深圳市南山区科技园路8号——{TODAY} 王五"
    assert (remark.kind, remark.red_flag, remark.author) == ("modification", True, ops)
    assert (remark.confirmed_by, remark.confirmed_at, remark.confirmed_via) == (ops, NOW, "chat")
    assert remark.confirmation_note == "旺旺确认"
    instruction = DeskInstruction.objects.get()
    assert (instruction.desk, instruction.shipment, instruction.state) == (
        "printing",
        shipment,
        "sent",
    )
    assert instruction.text == f"通知打单人员注意此ID订单已修改：TB-1001。{remark.text}"
    assert (remark.desk_instruction, remark.passed_to_desk_at) == (instruction, NOW)
    assert not remarks_not_passed_on().exists()


def test_address_change_on_printed_papers(ops):
    """SHP-06: printed → "客户要求修改成××，已在发货单与快递单上修改妥当——date name"."""
    shipment = _walk(intake(user=ops, partner_ref="TB-1002").shipment, ops, "print_waybill")
    shipment_modify(shipment, {"recipient_address": "科技园路8号"}, user=ops, confirmed_via="phone")
    remark = OrderRemark.objects.get()
    assert remark.text == (
        "客户要求修改成地址：广东省深圳市南山区科技园路8号，"
        f"已在发货单与快递单上修改妥当——{TODAY} 王五"
    )
    notice = DeskInstruction.objects.get().text
    assert notice == f"通知打单人员注意此ID订单已修改：TB-1002。{remark.text}"


def test_goods_attributes_changed_after_payment(ops):
    """SHP-06: a goods line's size, colour, specification or quantity changes through the
    service: "客户拍下××，要求修改成××，已修改妥当——date name"; a quantity change re-prices the
    line and the order; the printing desk is told."""
    result = _order_with_line(ops, partner_ref="TB-2001")
    line = result.order.lines.get()
    outcome = order_line_modify(line, {"size": "41", "quantity": 3}, user=ops, confirmed_via="chat")
    assert (outcome.route, outcome.applied) == ("edit", True)
    line.refresh_from_db()
    result.order.refresh_from_db()
    assert (line.size, line.quantity, line.amount) == ("41", 3, Decimal("300.00"))
    assert result.order.goods_amount == Decimal("300.00")
    remark = OrderRemark.objects.get()
    assert remark.text == (
        f"客户拍下羊毛鞋（黑色，40）×2，要求修改成羊毛鞋（黑色，41）×3，已修改妥当——{TODAY} 王五"
    )
    assert DeskInstruction.objects.get().text == (
        f"通知打单人员注意此ID订单已修改：TB-2001。{remark.text}"
    )
    assert line.history.order_by("-history_id").first().history_change_reason == (
        "customer modification"
    )


def test_goods_change_on_printed_and_packed_orders(ops):
    """SHP-06: printed → corrected on the delivery note and the waybill; packed → the warehouse
    gives the parcel back and the printing desk re-prints (pick-up waits for it)."""
    printed = _order_with_line(ops)
    _walk(printed.shipment, ops, "print_waybill")
    order_line_modify(
        printed.order.lines.get(), {"colour": "白色"}, user=ops, confirmed_via="phone"
    )
    assert OrderRemark.objects.get().text == (
        f"客户要求修改成羊毛鞋（白色，40）×2，已在发货单与快递单上修改妥当——{TODAY} 王五"
    )
    packed = _order_with_line(ops, partner_ref="TB-2003")
    _walk(packed.shipment, ops, "print_waybill", "pack")
    outcome = order_line_modify(
        packed.order.lines.get(), {"specification": "加绒"}, user=ops, confirmed_via="chat"
    )
    assert outcome.route == "reprint"
    desks = DeskInstruction.objects.filter(shipment=packed.shipment)
    assert sorted(desks.values_list("desk", flat=True)) == ["printing", "warehouse"]
    wb = packed.shipment.waybill_number
    assert desks.get(desk="printing").text == (
        f"此ID订单已修改，包裹已要回，请重新打单：TB-2003（运单{wb}）。"
        f"客户要求修改成羊毛鞋（黑色，40，加绒）×2，已在发货单与快递单上修改妥当——{TODAY} 王五"
    )
    assert Shipment.objects.get(pk=packed.shipment.pk).needs_reprint


def test_goods_change_refusals(ops):
    """SHP-06: only size, colour, specification and quantity; a quantity under 1 is refused;
    a shipped order goes to after-sales unchanged; nothing is half-applied."""
    result = _order_with_line(ops)
    line = result.order.lines.get()
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            order_line_modify(line, {"name": "别的鞋"}, user=ops, confirmed_via="chat")
        assert info.value.message_dict == {"name": ["This field cannot be modified."]}
        with pytest.raises(ValidationError) as info:
            order_line_modify(line, {"quantity": 0}, user=ops, confirmed_via="chat")
        assert info.value.message_dict == {"quantity": ["The quantity must be at least 1."]}
    role_user("aftersales", "as1")
    _walk(result.shipment, ops, "print_waybill", "pack", "pick_up")
    outcome = order_line_modify(line, {"size": "42"}, user=ops)
    assert (outcome.route, outcome.applied) == ("aftersales", False)
    line.refresh_from_db()
    assert line.size == "40"
    assert Notification.objects.count() == 1


def test_remark_templates_are_data(ops):
    """SHP-06, P4: the remark texts are rows the manager edits (history with the reason); a text
    with an unknown placeholder or without the date and name is refused."""
    template = RemarkTemplate.objects.get(key="address")
    assert template.text == "客户要求修改地址，新地址为：{new}——{date} {name}"
    template.text = "客户要求改地址为{new}---{date} {name}"
    template._change_reason = "按新格式"
    template.save()
    assert template.history.latest().history_change_reason == "按新格式"
    shipment = intake(user=ops).shipment
    shipment_modify(shipment, {"recipient_address": "8号"}, user=ops, confirmed_via="chat")
    assert OrderRemark.objects.get().text == f"客户要求改地址为广东省深圳市南山区8号---{TODAY} 王五"
    template.text = "客户要求{address}"
    with translation.override("en"), pytest.raises(ValidationError) as info:
        template.full_clean()
    assert info.value.message_dict["text"] == [
        "The template may use only {date}, {name}, {new}, must keep {date} and {name} where it "
        "has them, and its braces must match (unknown: address; missing: date; missing: name)."
    ]


# --- point 3: special requests ------------------------------------------------------------------
def test_special_request_is_a_red_flag_remark_passed_on_after_confirmation(ops):
    """SHP-13, P1, P2: an invoice request is written at once as "客户要求××——date name"; until
    confirmed with the customer it is listed as not passed on; confirmed, the printing desk is
    told this ID has a special request; a second confirmation is refused."""
    order = intake(user=ops, partner_ref="TB-3001").order
    remark = special_request_record(
        order, user=ops, request_kind="invoice", text="深圳某某科技有限公司"
    )
    assert remark.text == f"客户要求开发票，发票抬头：深圳某某科技有限公司——{TODAY} 王五"
    assert (remark.kind, remark.request_kind, remark.red_flag) == ("special", "invoice", True)
    assert list(remarks_not_passed_on()) == [remark]
    assert not DeskInstruction.objects.exists()
    confirmed = special_request_confirm(remark, user=ops, via="chat", note="客户确认抬头")
    assert (confirmed.confirmed_by, confirmed.confirmed_via, confirmed.passed_to_desk_at) == (
        ops,
        "chat",
        NOW,
    )
    instruction = DeskInstruction.objects.get()
    assert instruction.desk == "printing"
    assert instruction.text == f"此ID客户有特殊要求：TB-3001。{remark.text}"
    assert not remarks_not_passed_on().exists()
    with translation.override("en"), pytest.raises(StateConflict) as info:
        special_request_confirm(remark, user=ops, via="chat")
    assert str(info.value.message) == (
        "This remark was already confirmed and passed to the printing desk."
    )


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("carrier", "顺丰", "客户要求指定快递：顺丰"),
        ("card", "生日快乐", "客户要求附贺卡，贺卡内容：生日快乐"),
        ("time", "周六上午9-12点", "客户要求送货时间：周六上午9-12点"),
        ("other", "鞋盒不要贴价签", "客户要求鞋盒不要贴价签"),
    ],
)
def test_each_kind_of_special_request(ops, kind, text, expected):
    """SHP-13: courier, greeting card, delivery time slot and other requests, each in the
    documented form; confirmed at once they are passed on in the same step."""
    order = intake(user=ops).order
    remark = special_request_record(
        order, user=ops, request_kind=kind, text=text, confirmed_via="phone"
    )
    assert remark.text == f"{expected}——{TODAY} 王五"
    assert remark.passed_to_desk_at == NOW and remark.confirmed_via == "phone"


def test_special_request_refusals(ops):
    """SHP-13: the invoice title and the card's text must be asked for; a request on a parcel
    that has left goes to after-sales."""
    order = intake(user=ops).order
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            special_request_record(order, user=ops, request_kind="invoice", text=" ")
        assert info.value.message_dict == {
            "text": ["Ask the customer for the invoice title and write it."]
        }
        with pytest.raises(ValidationError) as info:
            special_request_record(order, user=ops, request_kind="card", text="")
        assert info.value.message_dict == {
            "text": ["Ask the customer for the greeting card's text and write it."]
        }
    shipment = Shipment.objects.get(order=order)
    _walk(shipment, ops, "print_waybill", "pack", "pick_up")
    with translation.override("en"), pytest.raises(StateConflict) as info:
        special_request_record(order, user=ops, request_kind="time", text="晚上")
    assert str(info.value.message) == (
        f"Waybill {shipment.waybill_number} has already left (Picked up): hand the request to "
        "after-sales."
    )
    assert not OrderRemark.objects.exists()


# --- point 4: a void hands the refund to after-sales --------------------------------------------
def test_void_hands_the_refund_to_aftersales_with_owner_and_due_time(ops):
    """SHP-07, P3: not printed → voided, the printing desk told not to print it, and after the
    void the refund is a task of the least-loaded after-sales person, due in the set hours
    ("确认已作废之后通知售后客服处理退款")."""
    busy = role_user("aftersales", "as-busy")
    free = role_user("aftersales", "as-free")
    first = intake(user=ops).shipment
    shipment_cancel(first, user=ops)
    assert RefundTask.objects.get(shipment=first).owner == busy  # both free: the first
    settings_row = DispatchSettings.current()
    settings_row.refund_task_hours = 8
    settings_row.save()
    second = intake(user=ops, partner_ref="TB-4001").shipment
    outcome = shipment_cancel(second, user=ops, reason="客户不想要了")
    assert (outcome.route, outcome.shipment.state) == ("void", "cancelled")
    task = RefundTask.objects.get(shipment=second)
    wb = second.waybill_number
    assert task.text == f"确认已作废之后通知售后客服处理退款：订单TB-4001（运单{wb}）"
    assert (task.owner, task.due_at, task.state, task.stage) == (
        free,
        NOW + dt.timedelta(hours=8),
        "open",
        "not_printed",
    )
    assert DeskInstruction.objects.get(shipment=second).text == (
        f"客户付款后不想购买，此ID订单已作废，请勿打单：TB-4001（运单{wb}）"
    )
    note = Notification.objects.get(recipient=free)
    assert note.subject == task.text
    assert not task.needs_disposition


def test_retrieved_papers_are_torn_up_or_goods_restocked_after_the_refund(ops):
    """SHP-07: printed or packed → retrieved from the warehouse; once after-sales handled the
    refund the papers are recorded torn up, or the goods returned to stock; not before, not
    twice, and printed papers alone cannot be "restocked"."""
    aftersales = role_user("aftersales", "as1")
    packed = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack")
    shipment_cancel(packed, user=ops)
    task = RefundTask.objects.get(shipment=packed)
    assert (task.stage, task.owner, task.needs_disposition) == ("packed", aftersales, True)
    with translation.override("en"):
        with pytest.raises(StateConflict) as info:
            refund_task_dispose(task, user=aftersales, disposition="restocked")
        assert str(info.value.message) == (
            "Handle the refund first: the papers are torn up or the goods restocked after."
        )
        with pytest.raises(PermissionDenied):
            refund_task_done(task, user=role_user("presales", "pre1"), note="已退款")
    done = refund_task_done(task, user=aftersales, note="已在后台退款")
    assert (done.state, done.done_by, done.done_at) == ("done", aftersales, NOW)
    with pytest.raises(StateConflict):
        refund_task_done(task, user=aftersales, note="again")
    warehouse = role_user("warehouse", "wh1")
    disposed = refund_task_dispose(task, user=warehouse, disposition="restocked")
    assert (disposed.disposition, disposed.disposed_by) == ("restocked", warehouse)

    printed = _walk(intake(user=ops).shipment, ops, "print_waybill")
    shipment_cancel(printed, user=ops)
    task = refund_task_done(RefundTask.objects.get(shipment=printed), user=aftersales, note="ok")
    with translation.override("en"), pytest.raises(ValidationError) as info:
        refund_task_dispose(task, user=aftersales, disposition="restocked")
    assert info.value.message_dict == {
        "disposition": ["Only printed papers were retrieved: they are torn up."]
    }
    assert refund_task_dispose(task, user=aftersales, disposition="destroyed").disposition == (
        "destroyed"
    )


# --- point 5: urgent orders and the transport mode ----------------------------------------------
def test_urgent_order_is_promised_a_date_only_after_the_warehouse_confirmed(ops):
    """SHP-08, SHP-13: a customer in a hurry: the promise is withdrawn and the warehouse asked in
    the system; no date until the warehouse confirms (only the warehouse can); then the date
    follows the dispatch rule from the confirmation."""
    order = intake(user=ops, partner_ref="TB-5001").order
    instruction = order_urgent_mark(order, user=ops)
    order.refresh_from_db()
    assert (order.urgent, order.promised_dispatch_date) == (True, None)
    assert (instruction.desk, instruction.text) == (
        "warehouse",
        "客户特别着急，请确认库存后回复：订单TB-5001，羊毛鞋×2",
    )
    presales = role_user("presales", "pre1")
    with translation.override("en"), pytest.raises(StateConflict) as info:
        order_dispatch_promise(order, user=presales)
    assert str(info.value.message) == (
        "An urgent order is given a dispatch date only after the warehouse has confirmed the stock."
    )
    with pytest.raises(PermissionDenied):
        stock_confirm(order, user=presales, in_stock=True)
    warehouse = role_user("warehouse", "wh1")
    confirmation = stock_confirm(order, user=warehouse, in_stock=True, note="A3货架有货")
    assert (confirmation.confirmed_by, confirmation.confirmed_at) == (warehouse, NOW)
    assert order_dispatch_promise(order, user=presales) == dt.date(2026, 12, 1)
    stock_confirm(order, user=warehouse, in_stock=False, note="卖完了")
    assert order_dispatch_promise(order, user=presales) == dt.date(2026, 12, 2)
    order.refresh_from_db()
    assert (order.in_stock, order.promised_dispatch_date) == (False, dt.date(2026, 12, 2))


def test_transport_mode_suggested_by_editable_rules_dangerous_goods_never_by_air(ops):
    """SHP-05: the seeded rules suggest air for goods due within 48 h, rail for heavy goods,
    otherwise road; dangerous goods are never suggested air; a rule edited changes the
    suggestion."""
    soon = NOW + dt.timedelta(hours=24)
    due = intake(user=ops, required_arrival_at=soon).order
    assert (transport_mode_suggestion(due).mode, transport_mode_suggestion(due).ground) == (
        "air",
        "time",
    )
    dangerous = intake(user=ops, required_arrival_at=soon, dangerous_goods=True).order
    assert transport_mode_suggestion(dangerous).mode == "road"
    heavy = intake(user=ops, weight_kg=Decimal("600")).order
    assert transport_mode_suggestion(heavy).mode == "rail"
    rail = TransportModeRule.objects.get(mode="rail")
    rail.min_weight_kg = Decimal("1000")
    rail.save()
    assert transport_mode_suggestion(heavy).mode == "road"


def test_transport_mode_choice_recorded_with_who_and_why(ops):
    """SHP-05: the choice records the mode, its ground, the reason, who and what the rules
    suggested; air for dangerous goods is refused, in the choice and in a modification."""
    presales = role_user("presales", "pre1")
    order = intake(user=ops, dangerous_goods=True).order
    with translation.override("en"), pytest.raises(ValidationError) as info:
        transport_mode_choose(order, user=presales, mode="air", ground="time", reason="急")
    assert info.value.message_dict == {"mode": ["Dangerous goods cannot go by air."]}
    with pytest.raises(PermissionDenied):
        transport_mode_choose(
            order, user=role_user("printing", "p1"), mode="rail", ground="cost", reason="x"
        )
    choice = transport_mode_choose(
        order, user=presales, mode="rail", ground="safety", reason="危险品走铁路专线"
    )
    assert (choice.mode, choice.ground, choice.reason, choice.suggested_mode) == (
        "rail",
        "safety",
        "危险品走铁路专线",
        "road",
    )
    assert (choice.chosen_by, choice.chosen_at) == (presales, NOW)
    order.refresh_from_db()
    assert order.transport_mode == "rail"
    assert TransportChoice.objects.count() == 1
    shipment = Shipment.objects.get(order=order)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        shipment_modify(shipment, {"transport_mode": "air"}, user=ops, confirmed_via="chat")
    assert info.value.message_dict == {"transport_mode": ["Dangerous goods cannot go by air."]}


# --- point 6: print batches ---------------------------------------------------------------------
def _printed_at(shipment, hour, minute=0):
    at = dt.datetime(2026, 12, 1, hour, minute, tzinfo=SHANGHAI)
    Shipment.objects.filter(pk=shipment.pk).update(printed_at=at)


def test_daily_print_batch_dated_signed_and_late_prints_counted(ops):
    """SHP-14, D1: the day's printed waybills are one batch, dated and signed by the printer
    (no signature, no batch); prints after the editable deadline are counted; one batch a
    day; exchange batches need only the date."""
    printer = role_user("printing", "printer")
    early, late = (
        _walk(intake(user=ops).shipment, ops, "print_waybill"),
        _walk(intake(user=ops).shipment, ops, "print_waybill"),
    )
    _printed_at(early, 9, 30)
    _printed_at(late, 17, 30)
    intake(user=ops)  # not printed: not in the batch
    with translation.override("en"), pytest.raises(ValidationError) as info:
        print_batch_sign("daily", dt.date(2026, 12, 1), user=printer)
    assert info.value.message_dict == {
        "signed_name": ["The daily print batch carries the printer's signature."]
    }
    with pytest.raises(PermissionDenied):
        print_batch_sign(
            "daily", dt.date(2026, 12, 1), user=role_user("presales", "p"), signed_name="x"
        )
    settings_row = DispatchSettings.current()
    settings_row.print_deadline = dt.time(17, 0)
    settings_row.save()
    batch = print_batch_sign(
        "daily", dt.date(2026, 12, 1), user=printer, signed_name="赵打单", stored_at="打单台左柜"
    )
    assert set(batch.shipments.all()) == {early, late}
    assert (batch.signed_name, batch.signed_by, batch.late_count) == ("赵打单", printer, 1)
    assert batch.print_deadline == dt.time(17, 0)
    with translation.override("en"), pytest.raises(StateConflict) as info:
        print_batch_sign("daily", dt.date(2026, 12, 1), user=printer, signed_name="赵打单")
    assert str(info.value.message) == "This day's batch is already signed."
    with translation.override("en"), pytest.raises(ValidationError) as info:
        print_batch_sign("exchange", dt.date(2026, 12, 1), user=printer)
    assert info.value.message_dict == {"batch_date": ["Nothing was printed on 2026-12-01."]}
    Shipment.objects.filter(pk=late.pk).update(kind="exchange")
    exchange = print_batch_sign("exchange", dt.date(2026, 12, 1), user=printer)
    assert (exchange.signed_name, list(exchange.shipments.all())) == ("", [late])
    assert PrintBatch.objects.count() == 2


def test_print_batch_sheet_is_printable_and_signed_in_the_admin(client, ops):
    """SHP-14: the printing desk signs the batch in the admin and prints its sheet (the date
    and the signature on it); pre-sales may not sign one."""
    printer = role_user("printing", "printer", is_staff=True)
    shipment = _walk(intake(user=ops).shipment, ops, "print_waybill")
    _printed_at(shipment, 18, 5)
    client.cookies["django_language"] = "en"
    client.force_login(role_user("presales", "pre", is_staff=True))
    assert client.get("/admin/courier/printbatch/add/").status_code == 403
    client.force_login(printer)
    response = client.post(
        "/admin/courier/printbatch/add/",
        {"kind": "daily", "batch_date": "2026-12-01", "signed_name": "赵打单", "stored_at": ""},
    )
    assert response.status_code == 302
    batch = PrintBatch.objects.get()
    assert (batch.signed_by, batch.late_count) == (printer, 1)
    sheet = client.get(f"/admin/courier/printbatch/{batch.pk}/sheet/")
    assert sheet.status_code == 200
    html = sheet.content.decode()
    assert "2026.12.01" in html and "赵打单" in html and shipment.waybill_number in html
    assert 'class="late"' in html
    # A mistyped batch number is not found (no 500 from the integer lookup).
    assert client.get("/admin/courier/printbatch/abc/sheet/").status_code in (302, 404)
    assert client.get(f"/admin/courier/printbatch/{batch.pk + 1}/sheet/").status_code == 404


def test_two_desks_signing_the_same_day_the_second_is_told_it_is_signed(ops, monkeypatch):
    """SHP-14: a batch signed by another desk between this sign's check and its insert (the
    unique kind+day decides) answers "already signed" (409), not a database error."""
    printer = role_user("printing", "printer")
    shipment = _walk(intake(user=ops).shipment, ops, "print_waybill")
    _printed_at(shipment, 9, 30)
    current = DispatchSettings.current

    def other_desk_signs_first():
        PrintBatch.objects.create(
            kind="daily",
            batch_date=dt.date(2026, 12, 1),
            signed_name="钱打单",
            signed_by=printer,
            print_deadline=dt.time(17, 0),
        )
        return current()

    monkeypatch.setattr(DispatchSettings, "current", staticmethod(other_desk_signs_first))
    with translation.override("en"), pytest.raises(StateConflict) as info:
        print_batch_sign("daily", dt.date(2026, 12, 1), user=printer, signed_name="赵打单")
    assert str(info.value.message) == "This day's batch is already signed."


def test_dispatch_settings_print_deadline_is_editable_by_the_manager(client):
    """D1, SHP-14: the print deadline is a time of day on the dispatch settings (seeded 17:00),
    which the manager edits in the admin."""
    assert DispatchSettings.current().print_deadline == dt.time(17, 0)
    manager = role_user("manager", "mgr", is_staff=True)
    client.force_login(manager)
    page = client.get("/admin/courier/dispatchsettings/1/change/")
    assert page.status_code == 200 and 'name="print_deadline"' in page.content.decode()
