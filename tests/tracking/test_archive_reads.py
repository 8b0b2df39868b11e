"""Issue 19 items 2, 10 and 11: events moved to the archive by the nightly job are still read by
the public lookup and by the partner's event sync (the ``tracking_anyevent`` view: live and
archived events, one sequence)."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test import Client

from tracking.models import AnyTrackingEvent, ArchivedTrackingEvent, TrackingEvent
from tracking.services import tracking_events_archive, tracking_events_ingest

from .conftest import at, event

pytestmark = pytest.mark.django_db
NOW = at("2026-09-15", "10:00")


def _archived_life(shipment):
    """Three events in February (scan, arrival, delivery), archived on 15 September (past the
    default 6 months), then a late scan that stays live (seq 4)."""
    start = at("2026-02-10", "10:00")
    for n, (status, sub) in enumerate(
        [("in_transit", ""), ("arrived_at_station", ""), ("delivered", "by_recipient")]
    ):
        moment = start + dt.timedelta(days=n)
        extra = {"sub_status": sub} if sub else {}
        item = event(shipment, f"a{n}", status, moment, location=f"站{n}", **extra)
        assert [
            r.result
            for r in tracking_events_ingest(shipment.partner, [item], user=None, now=moment)
        ] == ["accepted"]
    assert tracking_events_archive(now=NOW).archived == 3
    late = event(shipment, "late", "in_transit", NOW - dt.timedelta(hours=2), location="站9")
    tracking_events_ingest(shipment.partner, [late], user=None, now=NOW)
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1
    assert ArchivedTrackingEvent.objects.filter(shipment_id=shipment.pk).count() == 3


def test_the_view_has_every_column_of_both_event_tables():
    """Issue 19 item 11: the view reads every column of the live and the archive table (a
    column added to one of them and not to the view fails here)."""

    def columns(table):
        with connection.cursor() as cursor:
            return [c.name for c in connection.introspection.get_table_description(cursor, table)]

    live = columns(TrackingEvent._meta.db_table)
    cold = columns(ArchivedTrackingEvent._meta.db_table)
    view = columns(AnyTrackingEvent._meta.db_table)
    assert sorted(live) == sorted(c for c in cold if c != "archived_at")
    assert sorted(view) == sorted([*live, "archived"])
    assert sorted(f.column for f in AnyTrackingEvent._meta.fields) == sorted(view)


@time_machine.travel(NOW, tick=False)
def test_public_lookup_shows_archived_events(shipment):
    """TRK-01, item 10 and 11: after the nightly archival moved a delivered shipment's events,
    the public lookup still shows its route (archived and later live events, in order) and,
    with the phone's last 4 digits, the full list 1-4."""
    _archived_life(shipment)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    body = client.get(f"/api/v1/track/{shipment.waybill_number}/").json()
    assert [(r["status"], r["location"]) for r in body["route"]] == [
        ("in_transit", "站0"),
        ("arrived_at_station", "站1"),
        ("delivered", "站2"),
        ("in_transit", "站9"),
    ]
    full = client.get(f"/track/api/{shipment.waybill_number}/", {"phone_last4": "5678"}).json()
    assert [(e["seq"], e["status"]) for e in full["events"]] == [
        (1, "in_transit"),
        (2, "arrived_at_station"),
        (3, "delivered"),
        (4, "in_transit"),
    ]
    page = client.get("/track/", {"waybill": shipment.waybill_number, "phone_last4": "5678"})
    assert page.status_code == 200
    assert "站1" in page.content.decode() and "站9" in page.content.decode()


@time_machine.travel(NOW, tick=False)
def test_partner_sync_reads_archived_events(api, shipment, make_shipment):
    """TRK-02 item 2 and 11: GET /shipments/{waybill}/events/ lists the archived events with
    the live one, in sequence order, after_seq and cursor pages across both tables (page 2
    answered 500 before: the cursor ordering was a string); another
    partner's waybill answers 404."""
    _archived_life(shipment)
    url = f"/api/v1/shipments/{shipment.waybill_number}/events/"
    rows = api.get(url).json()["results"]
    assert [(r["seq"], r["event_id"], r["status"]) for r in rows] == [
        (1, "a0", "in_transit"),
        (2, "a1", "arrived_at_station"),
        (3, "a2", "delivered"),
        (4, "late", "in_transit"),
    ]
    assert [r["seq"] for r in api.get(url, {"after_seq": 2}).json()["results"]] == [3, 4]
    first = api.get(url, {"page_size": 2}).json()
    assert [r["seq"] for r in first["results"]] == [1, 2]
    second = api.get(first["next"]).json()
    assert [r["seq"] for r in second["results"]] == [3, 4]
    assert second["next"] is None

    from tests.factories import PartnerFactory

    foreign = make_shipment(owner=PartnerFactory())
    foreign_url = f"/api/v1/shipments/{foreign.waybill_number}/events/"
    assert api.get(foreign_url).status_code == 404
    assert json.loads(api.get(url, {"after_seq": 4}).content)["results"] == []
