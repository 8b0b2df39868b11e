"""Deliveries recorded in the shipments domain write one tracking event each, without a loop."""

import pytest

from courier.shipments.services.delivery import delivery_attempt_record
from tests.courier.factories import ShipmentFactory, photo, private_storage
from tests.factories import PartnerFactory, UserFactory
from tracking.models import FollowUpTask, ShipmentTracking, TrackingEvent

from .conftest import event

pytestmark = pytest.mark.django_db
OK = {"packing_intact": True, "count_matches": True, "appearance_ok": True}


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    return private_storage(settings, tmp_path)


@pytest.fixture
def ops():
    return UserFactory(is_superuser=True)


def _out(partner=None):
    shipment = ShipmentFactory(state="out_for_delivery", partner=partner or PartnerFactory())
    shipment.order.partner = shipment.partner
    shipment.order.save(update_fields=["partner"])
    return shipment


def test_a_delivery_to_the_recipient_writes_one_staff_event(ops):
    """TRK-01, TRK-03: a delivery recorded with proof is a "staff" event delivered/by_recipient
    that moves nothing (the shipment already moved) and opens the arrival confirmation."""
    shipment = _out()
    delivery_attempt_record(
        shipment,
        user=ops,
        delivered=True,
        signer_name=shipment.order.recipient_name,
        **OK,
        signature=photo("s.png", b"s"),
    )
    [ev] = TrackingEvent.objects.filter(shipment=shipment)
    assert (ev.seq, ev.status, ev.sub_status, ev.source, ev.moved_state) == (
        1,
        "delivered",
        "by_recipient",
        "staff",
        False,
    )
    assert ev.created_by == ops and ev.partner_id == shipment.partner_id
    row = ShipmentTracking.objects.get(pk=shipment.pk)
    assert (row.last_status, row.active, row.delivered_at) == ("delivered", False, ev.occurred_at)
    assert [t.reason for t in FollowUpTask.objects.filter(shipment=shipment)] == ["arrival"]


def test_a_failed_delivery_writes_one_event_with_the_normalised_sub_status(ops):
    """TRK-04: a failed attempt (recipient absent) is delivery_failed/recipient_absent and opens
    the re-delivery follow-up; a category without a sub-status of its own is "other"."""
    shipment = _out()
    delivery_attempt_record(
        shipment,
        user=ops,
        delivered=False,
        failure_kind="recipient_absent",
        failure_reason="家中无人",
    )
    [ev] = TrackingEvent.objects.filter(shipment=shipment)
    assert (ev.status, ev.sub_status, ev.source, ev.moved_state) == (
        "delivery_failed",
        "recipient_absent",
        "staff",
        False,
    )
    assert [t.reason for t in FollowUpTask.objects.filter(shipment=shipment)] == ["redelivery"]
    other = _out()
    delivery_attempt_record(
        other, user=ops, delivered=False, failure_kind="weather", failure_reason="暴雨"
    )
    assert TrackingEvent.objects.get(shipment=other).sub_status == "other"


def test_a_partner_event_that_delivers_writes_no_second_event(api, partner):
    """TRK-01: an event that drives the shipment to delivered (through the shipment service)
    is the only event: the transition does not write one back."""
    shipment = _out(partner)
    from django.utils import timezone

    body = {"events": [event(shipment, "e-1", "delivered", timezone.now(), sub_status="by_proxy")]}
    response = api.post("/api/v1/tracking-events/", body, content_type="application/json")
    assert response.json()["results"][0]["result"] == "accepted"
    shipment.refresh_from_db()
    assert shipment.state == "delivered"
    assert list(
        TrackingEvent.objects.filter(shipment=shipment).values_list("seq", "source", "moved_state")
    ) == [(1, "partner_api", True)]
