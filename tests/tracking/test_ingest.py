"""Item 1-3: events ingested per item, driving the shipment forward, creating work."""

import datetime as dt
import json

import pytest
import time_machine

from courier.core.models import WebhookEvent
from tracking.models import FollowUpTask, ShipmentTracking, StatusMapping, TrackingEvent

from .conftest import at, event

pytestmark = pytest.mark.django_db
NOW = at("2026-03-02", "10:00")


def push(api, events):
    return api.post(
        "/api/v1/tracking-events/", json.dumps({"events": events}), content_type="application/json"
    )


@time_machine.travel(NOW, tick=False)
def test_batch_answers_per_item_and_keeps_the_valid_ones(api, shipment, make_shipment, partner):
    """TRK-02 item 2: accepted, duplicate and each kind of rejection, one result per item, in
    order; the valid items are stored although others are rejected."""
    other = make_shipment(owner=None)
    from tests.factories import PartnerFactory

    foreign = make_shipment(owner=PartnerFactory())
    hour = dt.timedelta(hours=1)
    items = [
        event(shipment, "e1", "arrived_at_station", NOW - 2 * hour),
        event(shipment, "e1", "arrived_at_station", NOW - 2 * hour),
        event(foreign, "e2", "in_transit", NOW - hour),
        event(other, "e3", "nonsense", NOW - hour),
        event(other, "e4", "in_transit", NOW + dt.timedelta(minutes=11)),
        "not an object",
        event(other, "e5", "1002", NOW - hour, latitude=22.54, longitude=113.93),
        event(other, "e6", "delivered", NOW - hour, sub_status="weather"),
        event(other, "e7", "in_transit", NOW - hour, latitude=22.5),
    ]
    response = push(api, items)
    assert response.status_code == 200
    assert [(r["index"], r["event_id"], r["result"]) for r in response.json()["results"]] == [
        (0, "e1", "accepted"),
        (1, "e1", "duplicate"),
        (2, "e2", "rejected"),
        (3, "e3", "rejected"),
        (4, "e4", "rejected"),
        (5, None, "rejected"),
        (6, "e5", "accepted"),
        (7, "e6", "rejected"),
        (8, "e7", "rejected"),
    ]
    reasons = [r["reason"] for r in response.json()["results"]]
    assert reasons[2] == f"Unknown waybill {foreign.waybill_number}."
    assert reasons[3] == "Unknown status code nonsense."
    assert reasons[4] == "occurred_at is in the future."
    assert reasons[5] == "Each event must be an object."
    assert reasons[7] == "Sub-status weather does not belong to status delivered."
    assert reasons[8] == "Give both latitude and longitude, or neither."
    mapped = TrackingEvent.objects.get(partner_event_id="e5")
    assert (mapped.status, mapped.raw_code, mapped.seq) == ("in_transit", "1002", 1)
    assert str(mapped.latitude) == "22.540000"
    shipment.refresh_from_db()
    assert shipment.state == "at_station"
    # a repeat of the whole batch stores nothing new
    again = push(api, items).json()["results"]
    assert [r["result"] for r in again if r["result"] != "rejected"] == ["duplicate"] * 3
    assert TrackingEvent.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_batch_over_the_limit_rejects_the_rest_only(api, shipment):
    """TRK-02 item 2: over 500 items, the first 500 are stored and the rest rejected."""
    base = NOW - dt.timedelta(hours=3)
    items = [event(shipment, f"x{i}", "in_transit", base) for i in range(502)]
    results = push(api, items).json()["results"]
    assert [r["result"] for r in results[498:]] == ["accepted", "accepted", "rejected", "rejected"]
    assert results[500]["reason"] == (
        "Over the batch limit of 500 events; send it in another batch."
    )
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 500
    assert ShipmentTracking.objects.get(pk=shipment.pk).last_seq == 500


@time_machine.travel(NOW, tick=False)
def test_an_older_event_does_not_move_the_state_back(api, shipment):
    """TRK-02 item 1: the late-arriving older scan is stored with its sequence number but the
    shipment stays where the newer event put it."""
    push(api, [event(shipment, "a", "out_for_delivery", NOW - dt.timedelta(hours=1))])
    push(api, [event(shipment, "b", "in_transit", NOW - dt.timedelta(hours=5))])
    shipment.refresh_from_db()
    assert shipment.state == "out_for_delivery"
    rows = list(TrackingEvent.objects.order_by("seq").values_list("seq", "status", "moved_state"))
    assert rows == [(1, "out_for_delivery", True), (2, "in_transit", False)]
    tracking = ShipmentTracking.objects.get(pk=shipment.pk)
    assert (tracking.last_status, tracking.last_event_at) == (
        "out_for_delivery",
        NOW - dt.timedelta(hours=1),
    )
    history = shipment.history.order_by("history_id").values_list("state", "history_user__username")
    assert list(history)[-2:] == [
        ("at_station", "tracking-feed"),
        ("out_for_delivery", "tracking-feed"),
    ]


@time_machine.travel(NOW, tick=False)
def test_partner_mapping_wins_over_the_default_table(api, shipment, partner):
    """TRK-02 item 1: the mapping is data; a partner's own code overrides the default row."""
    StatusMapping.objects.create(partner=partner, code="1002", status="arrived_at_station")
    push(api, [event(shipment, "m", "1002", NOW - dt.timedelta(hours=1))])
    assert TrackingEvent.objects.get().status == "arrived_at_station"


@time_machine.travel(NOW, tick=False)
def test_events_open_the_work(api, make_shipment):
    """TRK-03/04 item 3: a proxy delivery opens an arrival call (and its SMS), a failed delivery
    a re-delivery call, a weather delay a 3-day chase; a delivery closes the chase."""
    proxy = make_shipment(state="out_for_delivery")
    failed = make_shipment(state="out_for_delivery")
    late = make_shipment(state="in_transit")
    hour = dt.timedelta(hours=1)
    push(
        api,
        [
            event(proxy, "p", "303", NOW - hour),
            event(failed, "f", "delivery_failed", NOW - hour, sub_status="recipient_absent"),
            event(late, "w", "exception", NOW - hour, sub_status="weather"),
        ],
    )
    tasks = {t.shipment_id: t for t in FollowUpTask.objects.all()}
    assert tasks[proxy.pk].reason == "arrival"
    assert tasks[failed.pk].reason == "redelivery"
    assert tasks[late.pk].reason == "chase"
    assert tasks[late.pk].chase_until == NOW + dt.timedelta(days=3)
    assert tasks[late.pk].due_at == at("2026-03-02", "18:00")
    from tracking.models import SmsMessage
    from tracking.services import sms_deliver

    sms = SmsMessage.objects.get()
    assert (sms.to_phone, sms.template, sms.state) == ("13812345678", "arrival", "queued")
    assert sms_deliver(sms.pk) is True and sms_deliver(sms.pk) is False  # sent once
    sms.refresh_from_db()
    assert sms.state == "sent" and sms.body.startswith(
        f"【快递】您的快件{proxy.waybill_number}已到达"
    )
    proxy.refresh_from_db()
    failed.refresh_from_db()
    assert (proxy.state, failed.state) == ("delivered", "delivery_failed")
    push(api, [event(late, "d", "delivered", NOW - dt.timedelta(minutes=5))])
    chase = FollowUpTask.objects.get(pk=tasks[late.pk].pk)
    assert (chase.state, chase.outcome) == ("done", "delivered")


@time_machine.travel(NOW, tick=False)
def test_webhook_emitted_once_per_batch(api, shipment, partner):
    """TRK-02 item 2: tracking.event_added carries the accepted events of the batch."""
    hour = dt.timedelta(hours=1)
    push(api, [event(shipment, "1", "in_transit", NOW - 2 * hour), event(shipment, "2", "x", NOW)])
    hook = WebhookEvent.objects.get(partner=partner, event_type="tracking.event_added")
    assert [(e["seq"], e["event_id"]) for e in hook.payload["events"]] == [(1, "1")]


@time_machine.travel(NOW, tick=False)
def test_batch_queries_do_not_grow_with_its_size(api, partner, make_shipment):
    """Speed: a batch of scans that move nothing costs the same queries for 10 or 200 items."""
    shipments = [make_shipment() for _ in range(4)]
    base = NOW - dt.timedelta(hours=5)
    for s in shipments:  # a first event each, so the rows exist and the state is in_transit
        push(api, [event(s, f"first-{s.pk}", "in_transit", base)])

    def batch(n, tag):
        return [
            event(shipments[i % 4], f"{tag}{i}", "in_transit", base + dt.timedelta(minutes=1))
            for i in range(n)
        ]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        push(api, batch(10, "s"))
    with CaptureQueriesContext(connection) as large:
        push(api, batch(200, "l"))

    def counted(ctx):
        # SQLite splits one INSERT into chunks of 999 variables; PostgreSQL sends one.
        sqlite_chunks = connection.vendor == "sqlite"
        # The logged COPY ends with its row count ("-- 200 rows"): the statement is the same.
        return [
            q["sql"].split(" ")[0] + q["sql"].split(" -- ")[0].partition("FROM")[2][:30]
            for q in ctx.captured_queries
            if not (sqlite_chunks and q["sql"].startswith('INSERT INTO "tracking_trackingevent"'))
        ]

    assert counted(large) == counted(small)
    assert len(small.captured_queries) == 14  # the same on SQLite and PostgreSQL (COPY logged)


@time_machine.travel(NOW, tick=False)
def test_partner_reads_events_after_a_sequence_number(api, shipment):
    """TRK-02 item 2: GET /shipments/{waybill}/events/?after_seq=N, in sequence order."""
    hour = dt.timedelta(hours=1)
    push(api, [event(shipment, str(i), "in_transit", NOW - (5 - i) * hour) for i in range(3)])
    url = f"/api/v1/shipments/{shipment.waybill_number}/events/"
    rows = api.get(url, {"after_seq": 1}).json()["results"]
    assert [(r["seq"], r["event_id"]) for r in rows] == [(2, "1"), (3, "2")]
    assert api.get(url, {"after_seq": "x"}).status_code == 400


@pytest.mark.postgres
def test_duplicate_check_of_a_full_batch_uses_the_partial_index(partner):
    """Speed (issue 19): the duplicate check of a batch of 500 event ids reads the partial
    unique index (partner, partner_event_id), not the whole events table (PostgreSQL proves a
    partial index's condition from an IN list of at most 100 values: the query repeats it)."""
    from django.db import connection

    from tracking.selectors import known_event_ids

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table: cost says seq scan
        plan = known_event_ids(partner, [f"E{i}" for i in range(500)]).explain()
    assert "trk_event_partner_event_id" in plan


@pytest.mark.postgres
def test_duplicate_check_reads_the_archive_through_its_index(partner):
    """TRK-02, PLT-14 (speed): the duplicate check's archive side reads the partial unique index
    trk_archive_partner_event_id, in the same one query as the live side."""
    from django.db import connection

    from tracking.selectors import known_event_ids

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = known_event_ids(partner, [f"E{i}" for i in range(500)]).explain()
    assert "trk_event_partner_event_id" in plan
    assert "trk_archive_partner_event_id" in plan


@time_machine.travel(NOW, tick=False)
def test_a_batch_moving_shipments_costs_the_same_queries_for_2_or_8(api, partner, make_shipment):
    """TRK-02 item 1 (events drive the shipment's state machine through its service), speed:
    a batch whose events move every shipment (in transit → out for delivery: two transitions
    each) costs the same queries for 2 or 8 shipments (one lock query, one UPDATE, one history
    INSERT, one webhook INSERT for all); each shipment gets one history row per step by the
    feed user with the event's reason, one shipment.status_changed webhook per step, and a
    shipment whose state forbids the path (cancelled) stays where it is."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def moved(n, tag):
        ships = [make_shipment() for _ in range(n)]
        for s in ships:  # a first scan each, so the tracking rows exist
            push(api, [event(s, f"{tag}-first-{s.pk}", "in_transit", NOW - dt.timedelta(hours=5))])
        items = [
            event(s, f"{tag}-{s.pk}", "out_for_delivery", NOW - dt.timedelta(hours=1))
            for s in ships
        ]
        with CaptureQueriesContext(connection) as ctx:
            results = push(api, items).json()["results"]
        assert [r["result"] for r in results] == ["accepted"] * n
        return ships, len(ctx.captured_queries)

    small, small_queries = moved(2, "s")
    large, large_queries = moved(8, "l")
    assert small_queries == large_queries
    for s in small + large:
        s.refresh_from_db()
        assert s.state == "out_for_delivery"
        steps = list(
            s.history.order_by("history_id").values_list(
                "state", "history_user__username", "history_change_reason"
            )
        )
        assert steps[-2:] == [
            ("at_station", "tracking-feed", "tracking event 2 out_for_delivery"),
            ("out_for_delivery", "tracking-feed", "tracking event 2 out_for_delivery"),
        ]
        hooks = WebhookEvent.objects.filter(
            event_type="shipment.status_changed", payload__waybill_number=s.waybill_number
        ).order_by("pk")
        assert [(h.payload["previous_state"], h.payload["state"]) for h in hooks] == [
            ("in_transit", "at_station"),
            ("at_station", "out_for_delivery"),
        ]
    assert (
        list(
            TrackingEvent.objects.filter(shipment__in=large, seq=2).values_list(
                "moved_state", flat=True
            )
        )
        == [True] * 8
    )

    stuck = make_shipment(state="cancelled")
    results = push(api, [event(stuck, "c1", "out_for_delivery", NOW - dt.timedelta(hours=1))])
    assert results.json()["results"][0]["result"] == "accepted"
    stuck.refresh_from_db()
    assert stuck.state == "cancelled"
    assert TrackingEvent.objects.get(shipment=stuck).moved_state is False


def test_a_picked_up_batch_reads_the_credit_holds_once_and_leaves_a_held_parcel(
    api, partner, make_shipment
):
    """TRK-02, FIN-02: "picked up" events for packed parcels move them, except the one finance
    holds for credit, which stays packed; the holds are read once for the batch, so 2 or 8
    parcels cost the same queries."""
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courier.finance.models import CreditHold

    def batch(n, tag):
        ships = [make_shipment(state="packed") for _ in range(n)]
        CreditHold.objects.create(
            shipment=ships[0], partner=partner, amount=Decimal("10.00"), exposure=Decimal("0")
        )
        items = [event(s, f"{tag}-{s.pk}", "picked_up", NOW - dt.timedelta(hours=1)) for s in ships]
        with CaptureQueriesContext(connection) as ctx:
            push(api, items)
        states = [type(s).objects.get(pk=s.pk).state for s in ships]
        return states, len(ctx.captured_queries)

    small, small_queries = batch(2, "s")
    large, large_queries = batch(8, "l")
    assert small == ["packed", "picked_up"]
    assert large == ["packed"] + ["picked_up"] * 7
    assert small_queries == large_queries
