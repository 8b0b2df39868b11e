"""Mutation-killing tests for the waybill transition service (``shipment_transition``).

Each test pins one rule of ``courier.shipments.services.shipments`` exactly, so that a mutant
that drops or changes it fails a test.
"""

import datetime

import pytest
import time_machine

from courier.core.models import Notification
from courier.shipments.models import DeskInstruction, Order, OrderRemark, Shipment
from courier.shipments.models.shipments import ShipmentState
from courier.shipments.services import shipments as svc
from courier.shipments.services.retention import retention_anonymise
from courier.shipments.services.shipments import shipment_cancel, shipment_transition
from tests.courier.factories import intake, role_user
from tests.factories import EmployeeFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2024, 3, 1, 10, 0, tzinfo=datetime.UTC)


def _walk(shipment, user, *names):
    for name in names:
        shipment = shipment_transition(shipment, name, user=user)
    return shipment


def test_returned_shipment_is_completed_and_anonymised_after_retention():
    """DLV-06, SHP-11: a recalled parcel that comes back (``returned``) is completed at that
    moment, so its order is anonymised after the partner's retention years, never before."""
    ops = UserFactory(is_superuser=True)
    partner = PartnerFactory(retention_years=2)
    with time_machine.travel(T0 - datetime.timedelta(days=3), tick=False):
        shipment = _walk(intake(partner, ops).shipment, ops, "print_waybill", "pack", "pick_up")
        shipment = shipment_transition(shipment, "recall", user=ops)
    assert Shipment.objects.get(pk=shipment.pk).completed_at is None  # returning: still open
    with time_machine.travel(T0, tick=False):
        shipment_transition(shipment, "receive_back", user=ops)
    shipment = Shipment.objects.get(pk=shipment.pk)
    assert shipment.state == "returned"
    assert shipment.completed_at == T0

    two_years = T0.replace(year=2026)
    with time_machine.travel(two_years, tick=False):
        assert retention_anonymise()["orders"] == 0  # exactly two years: not yet
    with time_machine.travel(two_years + datetime.timedelta(minutes=1), tick=False):
        assert retention_anonymise()["orders"] == 1
    order = Order.objects.get(pk=shipment.order_id)
    assert order.anonymised_at == two_years + datetime.timedelta(minutes=1)
    assert (order.recipient_name, order.recipient_phone) == ("***", "")


def test_each_transition_sets_exactly_its_timestamps():
    """SHP-06, DLV-05: printing stamps printed_at, pick-up shipped_at, delivery delivered_at and
    completed_at, each at the moment of the change; moves in between complete nothing."""
    ops = UserFactory(is_superuser=True)
    steps = [
        ("print_waybill", "printed"),
        ("pack", "packed"),
        ("pick_up", "picked_up"),
        ("depart", "in_transit"),
        ("arrive_at_station", "at_station"),
        ("send_out", "out_for_delivery"),
        ("fail_delivery", "delivery_failed"),
        ("send_out", "out_for_delivery"),
        ("deliver", "delivered"),
    ]
    with time_machine.travel(T0, tick=False):
        shipment = intake(PartnerFactory(), ops).shipment
    moments = {}
    for i, (name, state) in enumerate(steps, start=1):
        moment = T0 + datetime.timedelta(hours=i)
        with time_machine.travel(moment, tick=False):
            shipment = shipment_transition(shipment, name, user=ops)
        moments[state] = moment
        stored = Shipment.objects.get(pk=shipment.pk)
        assert stored.state == state
        if state != "delivered":
            assert stored.completed_at is None, state
    stored = Shipment.objects.get(pk=shipment.pk)
    assert stored.printed_at == moments["printed"]
    assert stored.shipped_at == moments["picked_up"]
    assert stored.delivered_at == stored.completed_at == moments["delivered"]
    assert stored.print_count == 1


@pytest.mark.parametrize(
    ("steps", "last"),
    [((), "cancel"), (("print_waybill", "pack", "pick_up"), "mark_lost")],
)
def test_cancelled_and_lost_are_completed_at_the_change(steps, last):
    """DLV-06, SHP-11: a cancelled or lost shipment is completed when it changes state."""
    ops = UserFactory(is_superuser=True)
    shipment = _walk(intake(PartnerFactory(), ops).shipment, ops, *steps)
    with time_machine.travel(T0, tick=False):
        shipment_transition(shipment, last, user=ops)
    assert Shipment.objects.get(pk=shipment.pk).completed_at == T0


def test_transition_reason_is_recorded_and_cut_to_100_characters():
    """SHP-06: the reason given for a change is the history's change reason, cut to 100
    characters."""
    ops = UserFactory(is_superuser=True)
    shipment = shipment_transition(intake(user=ops).shipment, "print_waybill", user=ops)
    shipment_transition(shipment, "pack", user=ops, reason="客户要求加固")
    assert shipment.history.order_by("-history_id").first().history_change_reason == "客户要求加固"
    shipment_transition(shipment, "pick_up", user=ops, reason="x" * 150)
    assert shipment.history.order_by("-history_id").first().history_change_reason == "x" * 100


def test_reprint_stamps_time_user_and_reason():
    """SHP-06: a re-print counts, clears the flag and stamps printed_at now, recorded in the
    history with the printer and the reason "re-printed"."""
    ops = UserFactory(is_superuser=True)
    shipment = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack")
    printer = role_user("printing", "printer")
    with time_machine.travel(T0, tick=False):
        svc.shipment_reprint(shipment, user=printer)
    stored = Shipment.objects.get(pk=shipment.pk)
    assert (stored.print_count, stored.needs_reprint, stored.printed_at) == (2, False, T0)
    latest = stored.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (printer, "re-printed")


def test_cancel_records_reason_user_and_retrieval_text():
    """SHP-07, SHP-12: a cancellation's history names the person and the reason ("cancelled"
    when none is given); the warehouse instruction names the stage and is issued by the
    person; the remark is theirs."""
    ops = UserFactory(username="ops", is_superuser=True)
    EmployeeFactory(user=ops, name="王五")
    printed = _walk(intake(user=ops).shipment, ops, "print_waybill")
    with time_machine.travel(T0, tick=False):
        outcome = shipment_cancel(printed, user=ops)
    latest = outcome.shipment.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (ops, "cancelled")
    instruction = DeskInstruction.objects.get(shipment=printed)
    assert instruction.issued_by == ops
    assert instruction.history.order_by("-history_id").first().history_user == ops
    stage = ShipmentState("printed").label
    assert f"{printed.waybill_number} ({stage})" in instruction.text
    remark = OrderRemark.objects.get(order=printed.order)
    assert remark.author == ops and remark.text.endswith("2024.03.01 王五")
    other = intake(user=ops).shipment
    shipment_cancel(other, user=ops, reason="客户不要了")
    assert (
        Shipment.objects.get(pk=other.pk)
        .history.order_by("-history_id")
        .first()
        .history_change_reason
        == "客户不要了"
    )


def test_recall_handoff_notifies_active_aftersales_with_link_and_key():
    """SHP-07: a shipped parcel's cancellation is handed to the active after-sales staff with
    the reason, a link to the waybill and a once-only key; the outcome carries the shipment."""
    ops = UserFactory(is_superuser=True)
    aftersales = role_user("aftersales", "as1")
    role_user("aftersales", "as-gone", is_active=False)
    shipment = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack", "pick_up")
    outcome = shipment_cancel(shipment, user=ops, reason="客户不要了")
    assert outcome.shipment.pk == shipment.pk
    note = Notification.objects.get()
    assert note.recipient == aftersales
    assert shipment.waybill_number in note.subject
    assert note.body == "客户不要了"
    assert note.link == f"/admin/courier/shipment/{shipment.pk}/change/"
    assert note.dedupe_key == f"shipment:{shipment.pk}:recall-requested"
    assert OrderRemark.objects.get(order=shipment.order).author == ops


def test_actor_name_system_employee_full_name_username():
    """SHP-06: remarks name the employee, else the user's full name, else the username; no user
    is the system."""
    assert svc.actor_name(None) in ("system", "系统")
    named = UserFactory(username="u1", first_name="三", last_name="张")
    assert svc.actor_name(named) == named.get_full_name() != "u1"
    assert svc.actor_name(UserFactory(username="u2", first_name="", last_name="")) == "u2"


def test_waybill_numbers_use_ten_random_digits(monkeypatch):
    """SHP-06: a new waybill number draws its 10 random digits from the full range."""
    seen = []
    monkeypatch.setattr(svc.secrets, "randbelow", lambda n: seen.append(n) or n - 1)
    assert svc.waybill_number_new() == svc.rules.waybill_number_from(10**10 - 1)
    assert seen == [10**10]


def test_shipment_create_retries_a_taken_number_up_to_five_times(monkeypatch):
    """SHP-06: a colliding waybill number is drawn again; after five collisions creation fails;
    the kind, COD amount and dedicated agent are kept."""
    ops = UserFactory(is_superuser=True)
    first = intake(user=ops).shipment
    numbers = iter([first.waybill_number, svc.rules.waybill_number_from(42)])
    monkeypatch.setattr(svc, "waybill_number_new", lambda: next(numbers))
    agent = UserFactory(username="agent-x")
    second = svc.shipment_create(
        first.order, user=ops, cod_amount=5, kind="exchange", dedicated_agent=agent
    )
    stored = Shipment.objects.get(pk=second.pk)
    assert stored.waybill_number == svc.rules.waybill_number_from(42)
    assert (stored.kind, stored.cod_amount, stored.dedicated_agent) == ("exchange", 5, agent)
    assert stored.history.order_by("-history_id").first().history_user == ops
    calls = []
    monkeypatch.setattr(svc, "waybill_number_new", lambda: calls.append(1) or first.waybill_number)
    with pytest.raises(RuntimeError, match="^could not allocate a waybill number$"):
        svc.shipment_create(first.order, user=ops)
    assert len(calls) == 5
    default = Shipment.objects.get(pk=first.pk)
    assert (default.kind, default.cod_amount) == ("original", 0)


def test_printed_and_packed_waybills_can_be_reprinted_but_not_others():
    """SHP-06: the printing desk re-prints a printed or a packed waybill (the count goes up and
    the re-print flag clears); a waybill not yet printed or already shipped is refused."""
    ops = UserFactory(is_superuser=True)
    printed = _walk(intake(user=ops).shipment, ops, "print_waybill")
    packed = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack")
    for shipment in (printed, packed):
        again = svc.shipment_reprint(shipment, user=ops)
        assert (again.print_count, again.needs_reprint) == (2, False)
    fresh = intake(user=ops).shipment
    shipped = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack", "pick_up")
    for shipment in (fresh, shipped):
        with pytest.raises(svc.StateConflict, match="Only a printed or packed waybill"):
            svc.shipment_reprint(shipment, user=ops)


def test_recall_route_remark_is_dated_and_signed():
    """SHP-07: cancelling a shipped parcel hands it to after-sales and writes the remark
    “… — YYYY.MM.DD name” on the order, with the local date."""
    ops = UserFactory(is_superuser=True, first_name="Li", last_name="Lei")
    shipment = _walk(intake(user=ops).shipment, ops, "print_waybill", "pack", "pick_up")
    with time_machine.travel(datetime.datetime(2026, 3, 4, 23, 30, tzinfo=datetime.UTC)):
        shipment_cancel(shipment, user=ops, reason="客户不要了")
    remark = OrderRemark.objects.filter(order=shipment.order).latest("pk")
    assert remark.text.endswith("— 2026.03.05 Li Lei")  # 07:30 next day in Asia/Shanghai
