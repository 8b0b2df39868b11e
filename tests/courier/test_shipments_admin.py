"""Admin of orders and shipments: intake form, search, state buttons, workflow forms,
printing, private evidence, bounded changelist queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courier.core.admin.paginators import EstimatedCountPaginator
from courier.shipments.models import Order, OrderRemark, RecallSlip, Shipment
from courier.shipments.services.claims import exception_record
from courier.shipments.services.returns import recall_issue
from tests.courier.factories import (
    ShipmentFactory,
    StationFactory,
    intake,
    photo,
    private_storage,
    role_user,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    return private_storage(settings, tmp_path)


@pytest.fixture
def boss(client):
    user = UserFactory(username="boss", is_superuser=True)
    client.force_login(user)
    return user


def _intake_post(**overrides):
    data = {
        "partner": "",
        "channel": "phone",
        "partner_ref": "ADM-1",
        "sender_name": "李发货",
        "sender_phone": "021-62345678",
        "sender_province": "上海市",
        "sender_city": "上海市",
        "sender_district": "静安区",
        "sender_address": "南京西路1号",
        "recipient_name": "张三",
        "recipient_phone": "13812345678",
        "recipient_province": "广东省",
        "recipient_city": "深圳市",
        "recipient_district": "南山区",
        "recipient_address": "科技园路2号",
        "weight_kg": "1.5",
        "volume_m3": "0",
        "appearance_requirements": "",
        "required_arrival_at_0": "",
        "required_arrival_at_1": "",
        "transport_mode": "road",
        "goods_amount": "200",
        "paid_at_0": "2026-03-02",
        "paid_at_1": "10:00:00",
        "in_stock": "on",
        "cod_amount": "0",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-name": "羊毛鞋",
        "lines-0-attributes": "41码",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "100",
        "lines-0-amount": "",
    }
    data.update(overrides)
    return data


def test_admin_order_intake_calls_the_service(client, boss):
    """SHP-01, SHP-03: an order taken in through the admin is verified and gets a waybill."""
    from tests.factories import PartnerFactory

    partner = PartnerFactory()
    response = client.post("/admin/courier/order/add/", _intake_post(partner=partner.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    order = Order.objects.get(partner_ref="ADM-1")
    assert order.channel == "phone" and order.verification == "verified"
    assert order.lines.get().amount == Decimal("200.00")
    assert order.shipments.get().state == "created"
    assert order.history.first().history_user == boss


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recipient_phone": "12345"}, "recipient_phone"),
        ({"recipient_district": ""}, "recipient_district"),
        ({"weight_kg": "0"}, "weight_kg"),
        ({"lines-0-quantity": "0"}, "quantity"),
        (
            {"required_arrival_at_0": "2020-01-01", "required_arrival_at_1": "10:00"},
            "required_arrival_at",
        ),
    ],
)
def test_admin_intake_bad_input_is_a_form_error(client, boss, overrides, field):
    """SHP-02: bad input in the admin is a form error and nothing is saved."""
    from tests.factories import PartnerFactory

    partner = PartnerFactory()
    response = client.post(
        "/admin/courier/order/add/", _intake_post(partner=partner.pk, **overrides)
    )
    assert response.status_code == 200
    form_errors = response.context["adminform"].form.errors
    line_errors = [e for fs in response.context["inline_admin_formsets"] for e in fs.formset.errors]
    assert field in form_errors or any(field in e for e in line_errors)
    assert not Order.objects.exists() and not Shipment.objects.exists()


def test_changelist_search_by_waybill_ref_and_phone_last4(client, boss):
    """SHP-11: search by waybill number, partner reference or the phone's last 4 digits."""
    a = intake(partner_ref="REF-AAA", recipient_phone="13811112222").shipment
    b = intake(partner_ref="REF-BBB", recipient_phone="13833334444").shipment
    for term, expected in [(a.waybill_number, a), ("REF-BBB", b), ("2222", a), ("4444", b)]:
        html = client.get("/admin/courier/shipment/", {"q": term}).content.decode()
        assert expected.waybill_number in html
        other = b if expected == a else a
        assert other.waybill_number not in html


def test_changelist_filters(client, boss):
    """SHP-11: filters by state, partner, channel and date."""
    a = intake(channel="jd").shipment
    b = ShipmentFactory(state="delivered")
    html = client.get("/admin/courier/shipment/", {"state__exact": "delivered"}).content.decode()
    assert b.waybill_number in html and a.waybill_number not in html
    html = client.get("/admin/courier/shipment/", {"order__channel__exact": "jd"}).content.decode()
    assert a.waybill_number in html and b.waybill_number not in html


def test_changelist_query_count_does_not_grow_with_rows(client, boss):
    """SHP-11 (speed): the shipment list runs a bounded number of queries, no N+1."""
    intake()
    with CaptureQueriesContext(connection) as small:
        assert client.get("/admin/courier/shipment/").status_code == 200
    for _ in range(15):
        ShipmentFactory()
    with CaptureQueriesContext(connection) as big:
        assert client.get("/admin/courier/shipment/").status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
    assert len(big.captured_queries) <= 12


def test_capped_paginator_count():
    """SHP-11 (speed): a filtered count stops at the cap instead of counting every row."""
    for _ in range(4):
        ShipmentFactory()
    paginator = EstimatedCountPaginator(Shipment.objects.filter(kind="original"), 2)
    paginator.CAP = 2
    assert paginator.count == 3
    assert EstimatedCountPaginator(Shipment.objects.all(), 2).count == 4


@pytest.mark.postgres
def test_unfiltered_count_uses_planner_estimate_on_postgres():
    """SHP-11 (speed): on PostgreSQL the unfiltered list uses pg_class.reltuples, not COUNT(*)."""
    for _ in range(3):
        ShipmentFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE courier_shipment")
    paginator = EstimatedCountPaginator(Shipment.objects.all(), 2)
    paginator.EXACT_BELOW = 0
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 3
    assert "reltuples" in ctx.captured_queries[0]["sql"]
    assert "COUNT" not in ctx.captured_queries[0]["sql"].upper()


def test_state_buttons_call_services_and_respect_roles(client, boss):
    """SHP-06, SHP-12: the change page shows the transitions the user may run; pressing one
    calls the service and is recorded in history."""
    shipment = intake().shipment
    page = client.get(f"/admin/courier/shipment/{shipment.pk}/change/").content.decode()
    assert f"/admin/courier/shipment/{shipment.pk}/do/print_waybill/" in page
    assert "/do/pack/" not in page
    response = client.post(f"/admin/courier/shipment/{shipment.pk}/do/print_waybill/")
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.state == "printed"
    assert shipment.history.latest().history_user == boss
    response = client.post(f"/admin/courier/shipment/{shipment.pk}/do/print_waybill/", follow=True)
    assert Shipment.objects.get(pk=shipment.pk).print_count == 1
    assert "errornote" in response.content.decode() or "error" in response.content.decode()
    warehouse = role_user("warehouse", "packer")
    client.force_login(warehouse)
    page = client.get(f"/admin/courier/shipment/{shipment.pk}/change/").content.decode()
    assert "/do/pack/" in page and "/do/print_waybill/" not in page


def test_modify_form_errors_and_remark(client, boss):
    """SHP-06: the modify page shows field errors for bad input; a valid change writes the
    remark."""
    shipment = intake().shipment
    url = f"/admin/courier/shipment/{shipment.pk}/do/modify/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"recipient_phone": "999", "confirmed_via": "chat"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not OrderRemark.objects.exists()
    # Issue 13 point 1: the form asks how the customer confirmed; without it nothing is saved.
    response = client.post(url, {"recipient_name": "张四"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not OrderRemark.objects.exists()
    response = client.post(url, {"recipient_name": "张四", "confirmed_via": "phone"})
    assert response.status_code == 302
    remark = OrderRemark.objects.get()
    assert "张四" in remark.text and remark.confirmed_via == "phone"


def test_cancel_of_delivered_is_refused_in_admin(client, boss):
    """SHP-07: a change not allowed in the current state is an error message, nothing saved."""
    shipment = ShipmentFactory(state="delivered")
    response = client.post(
        f"/admin/courier/shipment/{shipment.pk}/do/cancel/", {"reason": "x"}, follow=True
    )
    assert Shipment.objects.get(pk=shipment.pk).state == "delivered"
    assert response.status_code == 200


def test_printable_waybill_and_return_slip(client, boss):
    """SHP-06, RET-01: the waybill prints with its number; the recall slip prints in two parts
    with the "original parcel received" line."""
    shipment = intake().shipment
    html = client.get(f"/admin/courier/shipment/{shipment.pk}/print/").content.decode()
    assert shipment.waybill_number in html and "羊毛鞋" in html
    shipped = ShipmentFactory(state="in_transit")
    slip = recall_issue(shipped, user=boss, reason="客户不要了", courier_name="老赵")
    html = client.get(f"/admin/courier/recallslip/{slip.pk}/print/").content.decode()
    assert html.count(f"{slip.slip_number} — ") == 2 and "老赵" in html
    assert RecallSlip.objects.count() == 1


def test_evidence_file_only_through_admin_with_permission(client, boss):
    """DLV-04: photos are served only through the admin to staff who may view them."""
    shipment = ShipmentFactory(state="in_transit")
    exc = exception_record(
        shipment, user=boss, kind="damage", cause="破", photos=[photo("d.jpg", b"damage-photo")]
    )
    stored = exc.photos.get()
    url = f"/admin/courier/evidencephoto/{stored.pk}/file/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"damage-photo"
    assert response["Cache-Control"].startswith("private, no-store")
    client.force_login(UserFactory(username="nobody"))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_station_inbound_form_in_admin(client, boss):
    """SHP-10: inbound is recorded through the admin form; missing shelf is a form error."""
    shipment = ShipmentFactory(state="in_transit")
    station = StationFactory()
    url = f"/admin/courier/shipment/{shipment.pk}/do/inbound/"
    data = {
        "station": station.pk,
        "intact": "on",
        "weight_kg": "1.2",
        "label_ok": "on",
        "shelf_location": "",
        "source": "干线",
        "quantity": "1",
    }
    assert client.post(url, data).status_code == 200
    data["shelf_location"] = "A-1"
    assert client.post(url, data).status_code == 302
    assert Shipment.objects.get(pk=shipment.pk).state == "at_station"


def test_history_page(client, boss):
    """SHP-06: the admin shows each shipment's history."""
    shipment = intake().shipment
    response = client.get(f"/admin/courier/shipment/{shipment.pk}/history/")
    assert response.status_code == 200


def test_every_shipments_admin_page_renders(client, boss):
    """SHP-11, SHP-12, INC-04, RET-06: each admin list and change page of the shipments domain
    opens (with its workflow buttons) for a real object."""
    from courier.models import CashHandover, DeskInstruction, ReturnRequest
    from courier.shipments.services.desk import desk_instruction_issue
    from courier.shipments.services.returns import return_request_create

    shipment = intake(cod_amount=Decimal("10"), in_stock=False).shipment
    desk_instruction_issue("printing", "注意", user=boss, shipment=shipment)
    exc = exception_record(shipment, user=boss, kind="damage", cause="破", photos=[photo()])
    delivered = ShipmentFactory(state="delivered")
    rr = return_request_create(delivered, user=boss, kind="return", reason="不要了")
    slip = recall_issue(
        ShipmentFactory(state="in_transit"), user=boss, reason="x", courier_name="老赵"
    )
    cash = CashHandover.objects.create(
        shipment=shipment, amount=Decimal("10"), collected_by=boss, collected_at=shipment.created_at
    )
    objects = {
        "order": shipment.order,
        "shipment": shipment,
        "deskinstruction": DeskInstruction.objects.get(text="注意"),
        "orderexception": shipment.order.exceptions.first(),
        "deliveryexception": exc,
        "insuranceclaim": exc.insurance_claim,
        "returnrequest": ReturnRequest.objects.get(pk=rr.pk),
        "recallslip": slip,
        "cashhandover": cash,
        "evidencephoto": exc.photos.get(),
    }
    for name, obj in objects.items():
        assert client.get(f"/admin/courier/{name}/").status_code == 200, name
        assert client.get(f"/admin/courier/{name}/{obj.pk}/change/").status_code == 200, name
    assert client.get("/admin/courier/dispatchsettings/").status_code == 200
    assert client.get("/admin/courier/station/").status_code == 200
    assert client.get("/admin/courier/compensationproposal/").status_code == 200
    assert client.get("/admin/courier/order/add/").status_code == 200
    page = client.get(f"/admin/courier/returnrequest/{rr.pk}/change/").content.decode()
    assert f"/admin/courier/returnrequest/{rr.pk}/do/approve/" in page
