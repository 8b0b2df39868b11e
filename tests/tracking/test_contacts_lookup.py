"""TRK-01/CMP-01 contact log and routing; item 10 public lookup."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client

from complaints.models import Complaint
from courier.core.errors import InvalidInput, StateConflict
from tests.factories import EmployeeFactory
from tracking import services
from tracking.models import ContactLog, FollowUpTask, TrackingEvent, TrackingPolicy

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-03-02", "10:00")


@time_machine.travel(NOW, tick=False)
def test_contact_logged_with_channel_and_routed_into_a_complaint(shipment):
    """TRK-01/CMP-01: every contact is logged with its channel; one click makes it a complaint
    whose clock starts at the contact's time, with the waybill's shipment."""
    agent = EmployeeFactory()
    agent.user.groups.add(Group.objects.get(name="agent"))
    contact = services.contact_record(
        user=agent.user,
        channel="voice",
        kind="complaint",
        waybill_number=shipment.waybill_number,
        customer_name="张三",
        customer_phone="13812345678",
        summary="快递员态度差",
        received_at=NOW - dt.timedelta(minutes=5),
    )
    assert (contact.agent, contact.shipment) == (agent, shipment)
    routed = services.contact_route_complaint(contact, user=agent.user, category="staff_attitude")
    complaint = Complaint.objects.get()
    assert routed.complaint == complaint and routed.state == "closed"
    assert (complaint.channel, complaint.received_at) == ("phone", NOW - dt.timedelta(minutes=5))
    assert routed.history.first().history_user == agent.user
    with pytest.raises(StateConflict):
        services.contact_route_call(routed, user=agent.user)


@time_machine.travel(NOW, tick=False)
def test_contact_routed_into_a_call_task(shipment):
    """TRK-01/TRK-04: an uncertain enquiry becomes a follow-up call on its shipment; without a
    known waybill it cannot."""
    agent = EmployeeFactory()
    contact = services.contact_record(
        user=agent.user, channel="chat", kind="query", waybill_number=shipment.waybill_number
    )
    routed = services.contact_route_call(contact, user=agent.user)
    assert routed.follow_up == FollowUpTask.objects.get(shipment=shipment, reason="uncertain")
    orphan = services.contact_record(user=agent.user, channel="email", kind="query")
    with pytest.raises(InvalidInput):
        services.contact_route_call(orphan, user=agent.user)
    with pytest.raises(InvalidInput):
        services.contact_record(user=agent.user, channel="pigeon", kind="query")


def _events(shipment):
    for seq, (status, loc, hours) in enumerate(
        [
            ("picked_up", "上海静安", 30),
            ("in_transit", "上海转运中心", 20),
            ("in_transit", "广州", 10),
        ],
        start=1,
    ):
        TrackingEvent.objects.create(
            shipment=shipment,
            partner=shipment.partner,
            seq=seq,
            status=status,
            occurred_at=NOW - dt.timedelta(hours=hours),
            received_at=NOW,
            location=loc,
            source="partner_api",
            description=f"签收人 张三 {seq}",
        )


@time_machine.travel(NOW, tick=False)
def test_public_lookup_masks_and_gates_the_full_list(shipment):
    """Item 10: the waybill alone shows status, masked recipient and a coarse route without
    descriptions; with the last 4 phone digits, the full list. Every lookup is a contact."""
    _events(shipment)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    body = client.get(f"/track/api/{shipment.waybill_number}/").json()
    assert body["recipient_name"] == "张*"
    assert body["recipient_phone"] == "138********"
    assert body["destination"] == "广东省深圳市南山区"
    assert body["events"] is None
    assert [(r["status"], r["location"]) for r in body["route"]] == [
        ("picked_up", "上海静安"),
        ("in_transit", "上海转运中心"),
    ]
    assert "张三" not in str(body) and "科技园" not in str(body)
    full = client.get(f"/track/api/{shipment.waybill_number}/", {"phone_last4": "5678"}).json()
    assert [e["seq"] for e in full["events"]] == [1, 2, 3]
    assert client.get("/track/api/999999999999/").status_code == 404
    assert (
        client.get(f"/track/api/{shipment.waybill_number}/", {"phone_last4": "56"}).status_code
        == 400
    )
    logged = list(ContactLog.objects.order_by("id").values_list("lookup", "channel", "state"))
    assert logged == [
        ("summary", "web", "closed"),
        ("full", "web", "closed"),
        ("unknown", "web", "closed"),
    ]


@time_machine.travel(NOW, tick=False)
def test_wrong_digits_lock_the_waybill(shipment):
    """Item 10: 5 wrong last-4 attempts lock the full list, even for the right digits, until
    the 30-minute window passes."""
    _events(shipment)
    url = f"/track/api/{shipment.waybill_number}/"
    client = Client()
    answers = [client.get(url, {"phone_last4": "0000"}).json()["locked"] for _ in range(5)]
    assert answers == [False, False, False, False, True]
    right = client.get(url, {"phone_last4": "5678"}).json()
    assert (right["locked"], right["events"]) == (True, None)
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        assert client.get(url, {"phone_last4": "5678"}).json()["events"] is not None


@time_machine.travel(NOW, tick=False)
def test_lookup_rate_limited_per_client_address(shipment):
    """Item 10: the 21st lookup in a minute from one address answers 429; another address is
    not affected."""
    TrackingPolicy.objects.filter(pk=1).update(lookup_per_minute=20)
    url = f"/track/api/{shipment.waybill_number}/"
    one = Client(REMOTE_ADDR="10.0.0.1")
    codes = [one.get(url).status_code for _ in range(21)]
    assert codes == [200] * 20 + [429]
    assert Client(REMOTE_ADDR="10.0.0.2").get(url).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_public_page_in_chinese_and_english(shipment):
    """Item 10: the /track/ page answers in Chinese by default and in English on request."""
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/track/", {"waybill": shipment.waybill_number})
    en = Client(HTTP_ACCEPT_LANGUAGE="en").get("/track/", {"waybill": shipment.waybill_number})
    assert zh.status_code == en.status_code == 200
    assert 'lang="en"' in en.content.decode() and "Track a parcel" in en.content.decode()
    assert 'lang="zh-hans"' in zh.content.decode()
    assert "张*" in en.content.decode() and "13812345678" not in en.content.decode()
    assert Client().get("/track/", {"waybill": "bad!"}).status_code == 400
