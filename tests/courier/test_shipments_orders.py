"""Order intake, verification and order exceptions."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from courier.shipments.models import DispatchSettings, Order, OrderException, OrderLine, Shipment
from courier.shipments.rules import waybill_is_valid
from courier.shipments.services.orders import (
    order_exception_contact,
    order_exception_resolve,
    order_intake,
    order_verify,
)
from tests.courier.factories import intake, lines_data, order_data
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops():
    return UserFactory(username="ops", is_superuser=True)


def test_intake_records_channel_cargo_facts_and_creates_waybill(ops):
    """SHP-01, SHP-02, SHP-05: the channel, cargo facts and transport mode are recorded; a
    waybill with a valid fixed-length number is created."""
    partner = PartnerFactory()
    result = order_intake(
        partner,
        order_data(
            channel="wechat",
            partner_ref="WX-1",
            volume_m3=Decimal("0.0200"),
            dangerous_goods=False,
            fragile=True,
            keep_upright=True,
            moisture_sensitive=True,
            appearance_requirements="盒子不可压",
            transport_mode="air",
        ),
        lines_data(),
        user=ops,
    )
    assert result.created
    order = Order.objects.get(pk=result.order.pk)
    assert (order.channel, order.transport_mode) == ("wechat", "air")
    assert (order.fragile, order.keep_upright, order.moisture_sensitive) == (True, True, True)
    assert order.volume_m3 == Decimal("0.0200")
    assert order.recipient_phone_last4 == "5678"
    assert order.verification == "verified"
    assert list(order.lines.values_list("name", "quantity", "amount")) == [
        ("羊毛鞋", 2, Decimal("200.00"))
    ]
    shipment = result.shipment
    assert shipment.state == "created"
    assert len(shipment.waybill_number) == 12 and waybill_is_valid(shipment.waybill_number)
    assert shipment.history.count() == 1
    assert shipment.history.first().history_user == ops


def test_intake_is_idempotent_by_partner_reference(ops):
    """SHP-01: the partner's order reference is unique per partner; the same reference again
    returns the existing shipment; another partner may use the same reference."""
    partner = PartnerFactory()
    first = intake(partner, ops, partner_ref="A-1")
    again = intake(partner, ops, partner_ref="A-1")
    assert not again.created
    assert again.shipment.pk == first.shipment.pk
    other = intake(PartnerFactory(), ops, partner_ref="A-1")
    assert other.created
    assert Order.objects.filter(partner_ref="A-1").count() == 2


@pytest.mark.parametrize(
    ("overrides", "lines", "fields"),
    [
        ({"recipient_phone": "12345"}, None, {"recipient_phone"}),
        ({"sender_phone": "62345678"}, None, {"sender_phone"}),
        ({"recipient_district": ""}, None, {"recipient_district"}),
        (
            {"recipient_city": "", "recipient_address": ""},
            None,
            {"recipient_city", "recipient_address"},
        ),
        ({"weight_kg": Decimal("0")}, None, {"weight_kg"}),
        ({"weight_kg": Decimal("-1")}, None, {"weight_kg"}),
        ({}, [{"name": "鞋", "quantity": 0, "unit_price": "1.00"}], {"lines[0].quantity"}),
        ({}, [{"name": "鞋", "quantity": -2, "unit_price": "1.00"}], {"lines[0].quantity"}),
        ({}, [], {"lines"}),
        ({"channel": "fax"}, None, {"channel"}),
    ],
)
def test_intake_bad_input_is_rejected_by_field_and_saves_nothing(ops, overrides, lines, fields):
    """SHP-02: invalid phone, missing address parts, zero or negative quantity or weight are
    field-level errors; nothing is partly saved."""
    partner = PartnerFactory()
    with pytest.raises(ValidationError) as info:
        order_intake(
            partner, order_data(**overrides), lines if lines is not None else lines_data(), user=ops
        )
    assert set(info.value.message_dict) == fields
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert Shipment.objects.count() == 0


@time_machine.travel(datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC), tick=False)
def test_intake_required_arrival_in_the_past_is_rejected(ops):
    """SHP-02: a required arrival time in the past is refused."""
    past = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as info:
        intake(user=ops, required_arrival_at=past)
    assert set(info.value.message_dict) == {"required_arrival_at"}
    future = datetime.datetime(2026, 3, 5, 12, 0, tzinfo=datetime.UTC)
    assert intake(user=ops, required_arrival_at=future).order.required_arrival_at == future


def test_promised_dispatch_date_follows_editable_settings(ops):
    """SHP-08: paid before 16:00 with stock → today; after → tomorrow; made-to-order → 48 h;
    the cut-off is an editable settings row."""
    tz = datetime.timezone(datetime.timedelta(hours=8))
    before = datetime.datetime(2026, 3, 2, 15, 30, tzinfo=tz)
    after = datetime.datetime(2026, 3, 2, 16, 10, tzinfo=tz)
    assert intake(user=ops, paid_at=before).order.promised_dispatch_date == datetime.date(
        2026, 3, 2
    )
    assert intake(user=ops, paid_at=after).order.promised_dispatch_date == datetime.date(2026, 3, 3)
    made = intake(user=ops, paid_at=after, made_to_order=True, in_stock=False)
    assert made.order.promised_dispatch_date == datetime.date(2026, 3, 4)
    row = DispatchSettings.current()
    assert (row.cutoff_time, row.made_to_order_hours) == (datetime.time(16, 0), 48)
    row.cutoff_time = datetime.time(17, 0)
    row.save()
    assert intake(user=ops, paid_at=after).order.promised_dispatch_date == datetime.date(2026, 3, 2)


def test_verification_failures_become_order_exceptions_followed_to_resolution(ops):
    """SHP-03, SHP-04: out of stock and a price anomaly become order exceptions; the customer
    is contacted, each is resolved, then the order counts as verified."""
    result = intake(user=ops, in_stock=False, goods_amount=Decimal("250.00"))
    order = result.order
    assert order.verification == "exception"
    exceptions = {e.kind: e for e in order.exceptions.all()}
    assert set(exceptions) == {"out_of_stock", "price_anomaly"}
    stock = order_exception_contact(exceptions["out_of_stock"], user=ops, note="客户同意等待补货")
    assert stock.state == "contacted" and stock.contacted_at is not None
    with pytest.raises(ValidationError):
        order_exception_resolve(stock, user=ops, resolution=" ")
    order_exception_resolve(stock, user=ops, resolution="补货到位")
    order.refresh_from_db()
    assert order.verification == "exception"
    order_exception_resolve(exceptions["price_anomaly"], user=ops, resolution="金额更正")
    order.refresh_from_db()
    assert order.verification == "verified"
    assert OrderException.objects.filter(order=order, state="resolved").count() == 2
    hist = OrderException.history.filter(id=stock.pk).order_by("history_date")
    assert [h.state for h in hist] == ["open", "contacted", "resolved"]


def test_reverify_adds_only_new_problems(ops):
    """SHP-03: re-verification after a fix adds exceptions only for problems not already open."""
    order = intake(user=ops, in_stock=False).order
    assert order.exceptions.count() == 1
    assert order_verify(order, user=ops) == []
    order.in_stock = True
    order.recipient_address = ""
    order.save()
    new = order_verify(order, user=ops)
    assert [e.kind for e in new] == ["address_error"]


def test_intake_retries_the_whole_write_on_a_waybill_number_collision(monkeypatch):
    """SHP-02: a generated waybill number that already exists rolls the intake back and writes it
    again with a fresh number: one order, one line, one history row each, no half-saved rows."""
    from courier.shipments import rules
    from courier.shipments.services import shipments as shipment_services

    partner = PartnerFactory()
    user = UserFactory(is_superuser=True)
    first = intake(partner, user, partner_ref="FIRST").shipment
    numbers = iter([first.waybill_number, rules.waybill_number_from(424242)])
    monkeypatch.setattr(shipment_services, "waybill_number_new", lambda: next(numbers))
    result = intake(partner, user, partner_ref="SECOND")
    assert result.created is True
    assert result.shipment.waybill_number == rules.waybill_number_from(424242)
    order = Order.objects.get(partner_ref="SECOND")
    assert order.pk == result.order.pk
    assert Order.objects.count() == 2
    assert OrderLine.objects.filter(order=order).count() == 1
    assert Shipment.objects.count() == 2
    assert order.history.count() == 1
    assert result.shipment.history.count() == 1
