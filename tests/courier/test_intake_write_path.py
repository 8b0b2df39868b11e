"""The fast write path of order intake: one batched write, history as simple-history writes it,
the cached settings row, and the history manager built once."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from courier.shipments.models import DispatchSettings, Order, OrderException, OrderLine, Shipment
from courier.shipments.services import shipments as shipment_services
from courier.shipments.services.orders import order_intake
from tests.courier.factories import intake, lines_data, order_data
from tests.factories import PartnerFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_intake_outside_any_transaction_is_all_or_nothing(monkeypatch):
    """SHP-01, SHP-02: with no transaction around it (as in a production request) an intake whose
    every waybill number collides fails as a whole: no order, line, exception, waybill or history
    row of it is left behind."""
    partner = PartnerFactory()
    user = UserFactory(is_superuser=True)
    first = intake(partner, user, partner_ref="FIRST").shipment
    monkeypatch.setattr(shipment_services, "waybill_number_new", lambda: first.waybill_number)
    with pytest.raises(IntegrityError):
        order_intake(
            partner, order_data(partner_ref="SECOND", in_stock=False), lines_data(2), user=user
        )
    assert list(Order.objects.values_list("partner_ref", flat=True)) == ["FIRST"]
    assert OrderLine.objects.count() == 1
    assert OrderException.objects.count() == 0
    assert Shipment.objects.count() == 1
    assert Order.history.count() == 1
    assert OrderLine.history.count() == 1
    assert Shipment.history.count() == 1
    assert OrderException.history.count() == 0


@pytest.mark.django_db
def test_intake_history_rows_are_the_rows_as_written_with_the_actor():
    """SHP-01 (audit): each row written by an intake (order, lines, order exception, waybill) has
    one '+' history row naming the acting user and holding the row's values as stored, derived
    fields (the phone's last 4 digits) and automatic timestamps included."""
    partner = PartnerFactory()
    user = UserFactory(username="desk-1", is_superuser=True)
    result = order_intake(
        partner,
        order_data(partner_ref="AUDIT", in_stock=False, recipient_phone="13900001234"),
        lines_data(2),
        user=user,
    )
    order = Order.objects.get(pk=result.order.pk)
    [order_row] = order.history.all()
    assert (order_row.history_type, order_row.history_user) == ("+", user)
    assert order_row.history_change_reason is None  # as simple-history writes it on save()
    tracked = Order.history.model.tracked_fields
    assert {f.attname: getattr(order_row, f.attname) for f in tracked} == {
        f.attname: getattr(order, f.attname) for f in tracked
    }
    assert order_row.recipient_phone_last4 == order.recipient_phone_last4 == "1234"
    assert order_row.created_at == order.created_at
    assert order_row.promised_dispatch_date == order.promised_dispatch_date
    assert order_row.verification == order.verification == "exception"
    shipment = Shipment.objects.get(order=order)
    [shipment_row] = shipment.history.all()
    assert (shipment_row.history_type, shipment_row.history_user) == ("+", user)
    tracked = Shipment.history.model.tracked_fields
    assert {f.attname: getattr(shipment_row, f.attname) for f in tracked} == {
        f.attname: getattr(shipment, f.attname) for f in tracked
    }
    assert (shipment_row.waybill_number, shipment_row.state) == (shipment.waybill_number, "created")
    assert shipment_row.order_id == order.pk
    assert shipment_row.updated_at == shipment.updated_at
    lines = list(order.lines.order_by("id"))
    assert [(h.id, h.order_id, h.history_type) for h in OrderLine.history.order_by("id")] == [
        (line.pk, order.pk, "+") for line in lines
    ]
    [exception] = order.exceptions.all()
    assert exception.kind == "out_of_stock"
    assert [(h.id, h.history_user) for h in OrderException.history.all()] == [(exception.pk, user)]
    assert result.shipment.pk == shipment.pk
    assert [line.pk for line in result.order.lines.all()] == [line.pk for line in lines]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_intake_on_postgres_is_four_queries_outside_a_transaction():
    """SHP-01, FIN-01, FIN-02 (speed): outside a transaction, with the settings row and the
    compiled fee schedule cached, an intake is four queries for any number of lines: the
    schedule in force, the partner's account lock with its exposure, the primary keys (and the
    reference look-up), and one multi-statement INSERT of the rows, their history and the fee
    lines (it starts with a savepoint, no round trip of its own), between the BEGIN and COMMIT
    of its own transaction (the account stays locked until the shipment is written); the
    connection is in autocommit again afterwards."""
    from importlib import import_module

    from django.apps import apps

    # A transactional test before this one flushed the rows the migrations seeded: the default
    # fee schedule and its regions again (the seed is idempotent).
    import_module("courier.migrations.0010_finance_seed").seed(apps, None)
    partner = PartnerFactory()
    user = UserFactory(is_superuser=True)
    intake(partner, user, partner_ref="WARM")
    counts = []
    for n in (1, 20):
        with CaptureQueriesContext(connection) as ctx:
            intake(partner, user, n_lines=n, partner_ref=f"N{n}")
        counts.append([q["sql"].split()[0] for q in ctx.captured_queries])
    assert counts == [["BEGIN", "SELECT", "SELECT", "SELECT", "SAVEPOINT", "COMMIT"]] * 2, [
        q["sql"][:60] for q in ctx.captured_queries
    ]
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert OrderLine.objects.filter(order__partner_ref="N20").count() == 20
    assert Shipment.objects.get(order__partner_ref="N20").fee_lines.count() == 1


@pytest.mark.django_db
def test_dispatch_settings_row_is_cached_until_edited(monkeypatch):
    """SHP-08: intake reads the dispatch settings row from the process cache; saving the row (as
    the admin does) takes effect at once in this process, and other processes re-read it after
    CACHE_SECONDS."""
    partner = PartnerFactory()
    user = UserFactory(is_superuser=True)
    row = DispatchSettings.current()
    with CaptureQueriesContext(connection) as ctx:
        assert DispatchSettings.current() is row
    assert ctx.captured_queries == []
    row.cutoff_time = datetime.time(10, 0)
    row.save()
    paid = datetime.datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
    result = intake(partner, user, partner_ref="LATE", paid_at=paid)
    assert result.order.promised_dispatch_date == datetime.date(2026, 11, 24)  # past 10:00
    DispatchSettings.objects.filter(pk=1).update(cutoff_time=datetime.time(16, 0))  # elsewhere
    assert DispatchSettings.current().cutoff_time == datetime.time(10, 0)
    later = time.monotonic() + DispatchSettings.CACHE_SECONDS + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert DispatchSettings.current().cutoff_time == datetime.time(16, 0)
    again = intake(partner, user, partner_ref="ON-TIME", paid_at=paid)
    assert again.order.promised_dispatch_date == datetime.date(2026, 11, 23)


@pytest.mark.django_db
def test_history_manager_class_is_built_once_and_still_scoped_to_the_instance():
    """SHP-01 (speed, audit): ``Model.history`` reuses one manager class instead of building one
    per access, and an instance's history still lists only that instance's rows."""
    a = intake(partner_ref="A").order
    b = intake(partner_ref="B").order
    assert type(Order.history) is type(Order.history)
    assert type(a.history) is type(b.history)
    assert [h.partner_ref for h in a.history.all()] == ["A"]
    assert Order.history.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_replayed_reference_never_reaches_the_insert_outside_a_transaction():
    """SHP-01: the same reference again (no transaction around it) answers the existing shipment
    from the key-allocation query: two queries (look-up, then the existing order and waybill),
    no INSERT, nothing new written."""
    partner = PartnerFactory()
    user = UserFactory(is_superuser=True)
    first = intake(partner, user, partner_ref="SAME")
    with CaptureQueriesContext(connection) as ctx:
        again = intake(partner, user, partner_ref="SAME")
    assert (again.created, again.shipment.pk, again.order.pk) == (
        False,
        first.shipment.pk,
        first.order.pk,
    )
    assert not any(q["sql"].startswith("INSERT") for q in ctx.captured_queries)
    assert (Order.objects.count(), Shipment.objects.count(), Order.history.count()) == (1, 1, 1)


@pytest.mark.django_db
def test_reference_race_inside_a_transaction_leaves_it_usable(monkeypatch):
    """SHP-01: when the look-up misses a reference another intake has just written (a race), the
    INSERT fails on the unique reference inside a savepoint: the existing shipment is answered
    and the caller's transaction goes on (it can still write)."""
    from courier.shipments.services import orders as order_services

    partner = PartnerFactory()
    user = UserFactory(is_superuser=True)
    first = intake(partner, user, partner_ref="RACE")
    real_allocate = order_services.rows_pks_allocate
    monkeypatch.setattr(
        order_services,
        "rows_pks_allocate",
        lambda groups, lookup=None: real_allocate(groups, lookup=("SELECT NULL", [])),
    )
    again = intake(partner, user, partner_ref="RACE")
    assert (again.created, again.shipment.pk) == (False, first.shipment.pk)
    assert connection.needs_rollback is False
    later = intake(partner, user, partner_ref="AFTER")
    assert later.created is True
    assert sorted(Order.objects.values_list("partner_ref", flat=True)) == ["AFTER", "RACE"]


@pytest.mark.django_db
def test_awkward_text_round_trips_through_the_batched_write():
    """SHP-01 (bad input loses nothing): names and addresses with quotes, backslashes, percent
    placeholders, semicolons, dollar quotes, newlines and emoji are stored exactly as sent, in
    the rows and in their history."""
    awkward = 'O\'Brien \\ "q" %s %(x)s ; DROP TABLE x; -- $$ $a$ \n 📦 张三'
    partner = PartnerFactory()
    user = UserFactory(is_superuser=True)
    result = order_intake(
        partner,
        order_data(partner_ref=awkward[:64], recipient_name=awkward[:100], sender_address=awkward),
        [{"name": awkward, "quantity": 1, "unit_price": "200.00"}],
        user=user,
    )
    order = Order.objects.get(pk=result.order.pk)
    assert (order.partner_ref, order.recipient_name, order.sender_address) == (
        awkward[:64],
        awkward[:100],
        awkward,
    )
    assert order.lines.get().name == awkward
    assert order.history.get().sender_address == awkward
    assert OrderLine.history.get().name == awkward
