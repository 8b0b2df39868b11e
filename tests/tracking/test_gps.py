"""TRK-11: the optional GPS point of an event."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tracking.models import TrackingEvent

from .conftest import event

pytestmark = pytest.mark.django_db


def test_gps_point_is_stored_validated_per_item_and_returned_by_the_events_api(api, shipment):
    """TRK-11: a point within -90..90 / -180..180 is stored (6 decimals) and returned by the
    events API; out of range, not a number, or only half of it rejects that item alone, with
    the reason; no point at all is fine."""
    when = timezone.now() - dt.timedelta(hours=1)
    items = [
        event(shipment, "g1", "in_transit", when, latitude=22.5432104, longitude="113.934"),
        event(shipment, "g2", "in_transit", when, latitude=90.5, longitude=113),
        event(shipment, "g3", "in_transit", when, latitude=22, longitude=-180.01),
        event(shipment, "g4", "in_transit", when, latitude="north", longitude=113),
        event(shipment, "g5", "in_transit", when, latitude=True, longitude=113),
        event(shipment, "g6", "in_transit", when, longitude=113),
        event(shipment, "g7", "in_transit", when),
        event(shipment, "g8", "in_transit", when, latitude=-90, longitude=180),
    ]
    response = api.post("/api/v1/tracking-events/", {"events": items}, "application/json")
    results = response.json()["results"]
    assert [(r["event_id"], r["result"], r["reason"]) for r in results] == [
        ("g1", "accepted", ""),
        ("g2", "rejected", "latitude must be between -90 and 90."),
        ("g3", "rejected", "longitude must be between -180 and 180."),
        ("g4", "rejected", "latitude must be a number."),
        ("g5", "rejected", "latitude must be a number."),
        ("g6", "rejected", "Give both latitude and longitude, or neither."),
        ("g7", "accepted", ""),
        ("g8", "accepted", ""),
    ]
    stored = {
        e.partner_event_id: (e.latitude, e.longitude)
        for e in TrackingEvent.objects.filter(shipment=shipment)
    }
    assert stored == {
        "g1": (Decimal("22.543210"), Decimal("113.934000")),
        "g7": (None, None),
        "g8": (Decimal("-90.000000"), Decimal("180.000000")),
    }
    listed = api.get(f"/api/v1/shipments/{shipment.waybill_number}/events/").json()["results"]
    assert [(e["event_id"], e["latitude"], e["longitude"]) for e in listed] == [
        ("g1", "22.543210", "113.934000"),
        ("g7", None, None),
        ("g8", "-90.000000", "180.000000"),
    ]
