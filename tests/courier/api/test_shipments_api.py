"""Shipments API: create (idempotent), list, detail, modify, cancel, returns, webhooks."""

import json
from decimal import Decimal

import pytest

from courier.core.models import WebhookEndpoint, WebhookEvent
from courier.shipments.models import Order, Shipment
from courier.shipments.services.shipments import shipment_transition
from tests.courier.factories import (
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    order_data,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/shipments/"


def body(**overrides):
    data = {k: str(v) if isinstance(v, Decimal) else v for k, v in order_data().items()}
    del data["channel"]  # defaults to "api"
    data.update(
        {
            "partner_ref": "API-1",
            "lines": [{"name": "羊毛鞋", "quantity": 2, "unit_price": "100.00"}],
        }
    )
    data.update(overrides)
    return data


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_create_shipment_and_idempotent_by_reference(key_client):
    """SHP-01, SHP-02: a partner creates a shipment through the API (channel "api"); the same
    partner reference again returns the same shipment with 200."""
    client = key_client()
    response = post(client, URL, body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "created" and len(data["waybill_number"]) == 12
    assert data["channel"] == "api" and data["verification"] == "verified"
    assert data["lines"] == [
        {
            "name": "羊毛鞋",
            "attributes": "",
            "quantity": 2,
            "unit_price": "100.00",
            "amount": "200.00",
        }
    ]
    again = post(client, URL, body(recipient_name="别人"))
    assert again.status_code == 200
    assert again.json()["waybill_number"] == data["waybill_number"]
    assert Shipment.objects.count() == 1
    order = Order.objects.get()
    assert order.history.first().history_user == client.partner.service_user


def test_create_idempotency_key_replays(key_client):
    """SHP-01: the same Idempotency-Key and body replays the first response."""
    client = key_client()
    first = post(client, URL, body(partner_ref="K-1"), HTTP_IDEMPOTENCY_KEY="abc-123")
    second = post(client, URL, body(partner_ref="K-1"), HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recipient_phone": "12345"}, "recipient_phone"),
        ({"sender_phone": "abc"}, "sender_phone"),
        ({"recipient_district": ""}, "recipient_district"),
        ({"weight_kg": "0"}, "weight_kg"),
        ({"weight_kg": "-2"}, "weight_kg"),
        ({"required_arrival_at": "2020-01-01T00:00:00+08:00"}, "required_arrival_at"),
        ({"lines": []}, "lines"),
        ({"lines": [{"name": "鞋", "quantity": 0, "unit_price": "1"}]}, "lines"),
        ({"nonsense": 1}, "nonsense"),
    ],
)
def test_create_bad_input_is_field_level_400(key_client, overrides, field):
    """SHP-02: invalid phone, missing address parts, zero/negative weight or quantity, an arrival
    in the past → 400 naming the field; nothing saved."""
    client = key_client()
    response = post(client, URL, body(**overrides))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert field in response.json()["details"]
    assert not Order.objects.exists()


def test_create_query_count_is_constant(key_client, django_assert_num_queries):
    """SHP-01 (speed): creating a shipment costs the same number of queries for 1 or 20 lines."""
    client = key_client()
    post(client, URL, body(partner_ref="warm"))  # warm caches (content types, settings row)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n, ref in ((1, "Q-1"), (20, "Q-20")):
        lines = [{"name": f"鞋{i}", "quantity": 1, "unit_price": "10.00"} for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            response = post(
                client, URL, body(partner_ref=ref, lines=lines, goods_amount=str(10 * n))
            )
        assert response.status_code == 201
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    expected = EXPECTED_CREATE_QUERIES[connection.vendor]
    assert counts == [expected, expected]


# Nothing is read back, and the settings row is cached. The test's outer transaction makes the
# view run in a savepoint: 2 statements (a production request has none). On SQLite the write
# takes a savepoint pair too (2). PostgreSQL: key; the fee schedule in force with its stamp
# (FIN-01, compiled prices cached); the partner's account locked with, in the same round trip,
# its ledger balance and unbilled fees (FIN-02); primary keys for order, lines, waybill and fee
# lines with the look-up of the reference; one multi-statement INSERT of the rows, their history
# and the fee lines that starts with its own savepoint (no round trip of its own). SQLite
# (in-process, no round trips to save): key; schedule; account; balance; unbilled; reference
# look-up; order + history; lines + history; waybill + history; fee lines.
EXPECTED_CREATE_QUERIES = {"postgresql": 2 + 5, "sqlite": 4 + 13}


def test_create_writes_each_row_and_its_history_once_and_answers_like_detail(key_client):
    """SHP-01 (speed): one create writes the order, each line and the shipment once, each with
    exactly one history row; the 201 body (built from the objects just written) equals the
    detail endpoint's body."""
    client = key_client()
    lines = [{"name": f"鞋{i}", "quantity": 1, "unit_price": "10.00"} for i in range(3)]
    response = post(client, URL, body(partner_ref="ONCE", lines=lines, goods_amount="30"))
    assert response.status_code == 201
    order = Order.objects.get(partner_ref="ONCE")
    shipment = order.shipments.get()
    assert order.history.count() == 1
    assert shipment.history.count() == 1
    assert [line.history.count() for line in order.lines.order_by("id")] == [1, 1, 1]
    detail = client.get(f"{URL}{shipment.waybill_number}/")
    assert detail.status_code == 200
    assert response.json() == detail.json()
    assert [line["name"] for line in response.json()["lines"]] == ["鞋0", "鞋1", "鞋2"]


def _shipments_for(partner, n_lines):
    order = OrderFactory(partner=partner)
    for _ in range(n_lines):
        OrderLineFactory(order=order)
    return ShipmentFactory(order=order)


def test_list_and_detail_query_count_independent_of_lines(key_client):
    """SHP-11 (speed): list and detail cost the same queries for few or many lines and rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = key_client()
    small = _shipments_for(client.partner, 1)
    with CaptureQueriesContext(connection) as list_small:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as detail_small:
        assert client.get(f"{URL}{small.waybill_number}/").status_code == 200
    big = _shipments_for(client.partner, 25)
    for _ in range(5):
        _shipments_for(client.partner, 3)
    with CaptureQueriesContext(connection) as list_big:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as detail_big:
        response = client.get(f"{URL}{big.waybill_number}/")
    assert len(response.json()["lines"]) == 25
    assert len(list_big.captured_queries) == len(list_small.captured_queries)
    assert len(detail_big.captured_queries) == len(detail_small.captured_queries)


def test_list_filters_state_and_updated_after(key_client):
    """SHP-11: partners list their shipments by state and by update time."""
    client = key_client()
    a = ShipmentFactory(order=OrderFactory(partner=client.partner))
    b = ShipmentFactory(order=OrderFactory(partner=client.partner), state="delivered")
    ShipmentFactory()  # another partner's
    numbers = [s["waybill_number"] for s in client.get(URL).json()["results"]]
    assert sorted(numbers) == sorted([a.waybill_number, b.waybill_number])
    only = client.get(URL, {"state": "delivered"}).json()["results"]
    assert [s["waybill_number"] for s in only] == [b.waybill_number]
    after = client.get(URL, {"updated_after": b.updated_at.isoformat()}).json()["results"]
    assert after == []
    assert client.get(URL, {"state": "nope"}).status_code == 400


def test_detail_of_other_partner_is_404(key_client):
    """SHP-11: another partner's waybill is 404, never data."""
    client = key_client()
    other = ShipmentFactory()
    response = client.get(f"{URL}{other.waybill_number}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_modify_by_stage_and_conflicts(key_client):
    """SHP-06: before printing the change applies; after shipping → 409 handed_to_aftersales;
    a bad phone is a 400; an empty change is a 400."""
    client = key_client()
    shipment = ShipmentFactory(order=OrderFactory(partner=client.partner))
    url = f"{URL}{shipment.waybill_number}/modify/"
    response = post(client, url, {"recipient_address": "新地址1号"})
    assert response.status_code == 200, response.content
    assert response.json()["route"] == "edit" and response.json()["applied"]
    assert post(client, url, {"recipient_phone": "1"}).status_code == 400
    assert post(client, url, {}).status_code == 400
    shipped = ShipmentFactory(order=OrderFactory(partner=client.partner), state="in_transit")
    response = post(client, f"{URL}{shipped.waybill_number}/modify/", {"recipient_name": "X"})
    assert response.status_code == 409 and response.json()["code"] == "handed_to_aftersales"
    done = ShipmentFactory(order=OrderFactory(partner=client.partner), state="delivered")
    response = post(client, f"{URL}{done.waybill_number}/modify/", {"recipient_name": "X"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_cancel_by_stage(key_client):
    """SHP-07: not printed → 200 void; shipped → 202 handed to after-sales; delivered → 409."""
    client = key_client()
    fresh = ShipmentFactory(order=OrderFactory(partner=client.partner))
    response = post(client, f"{URL}{fresh.waybill_number}/cancel/", {"reason": "不要了"})
    assert response.status_code == 200
    assert (response.json()["route"], response.json()["shipment"]["state"]) == ("void", "cancelled")
    shipped = ShipmentFactory(order=OrderFactory(partner=client.partner), state="picked_up")
    response = post(client, f"{URL}{shipped.waybill_number}/cancel/", {})
    assert response.status_code == 202 and response.json()["route"] == "recall"
    done = ShipmentFactory(order=OrderFactory(partner=client.partner), state="delivered")
    assert post(client, f"{URL}{done.waybill_number}/cancel/", {}).status_code == 409


def test_returns_create_and_read(key_client):
    """RET-05, RET-02: a partner requests a return of a delivered parcel and reads it back; an
    undelivered parcel is a 409."""
    client = key_client()
    shipment = ShipmentFactory(order=OrderFactory(partner=client.partner), state="delivered")
    response = post(
        client,
        f"{URL}{shipment.waybill_number}/returns/",
        {
            "kind": "exchange",
            "reason": "尺码小",
            "wanted_item": "42码",
            "contact_phone": "13812345678",
        },
    )
    assert response.status_code == 201, response.content
    rid = response.json()["id"]
    detail = client.get(f"/api/v1/returns/{rid}/").json()
    assert (detail["state"], detail["kind"], detail["waybill_number"]) == (
        "requested",
        "exchange",
        shipment.waybill_number,
    )
    assert [r["id"] for r in client.get("/api/v1/returns/").json()["results"]] == [rid]
    pending = ShipmentFactory(order=OrderFactory(partner=client.partner), state="in_transit")
    response = post(
        client, f"{URL}{pending.waybill_number}/returns/", {"kind": "return", "reason": "x"}
    )
    assert response.status_code == 409


def test_status_change_emits_webhook_in_transaction(key_client, django_capture_on_commit_callbacks):
    """SHP-06: every state change emits ``shipment.status_changed`` to the partner."""
    client = key_client()
    WebhookEndpoint.objects.create(partner=client.partner, url="https://example.com/hook")
    response = post(client, URL, body(partner_ref="W-1"))
    shipment = Shipment.objects.get(waybill_number=response.json()["waybill_number"])
    ops = UserFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=False):
        shipment_transition(shipment, "print_waybill", user=ops)
    event = WebhookEvent.objects.get(event_type="shipment.status_changed")
    assert event.partner == client.partner
    assert (event.payload["state"], event.payload["previous_state"]) == ("printed", "created")
    assert event.payload["waybill_number"] == shipment.waybill_number


def test_scopes_are_enforced(key_client):
    """SHP-01: a read-only key cannot create shipments."""
    client = key_client(scopes=["shipments:read"])
    assert post(client, URL, body()).status_code == 403
    assert client.get(URL).status_code == 200
