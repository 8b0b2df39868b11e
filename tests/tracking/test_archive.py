"""PLT-14 (issue 19 item 11, scale plan): closed shipments' old events move to the archive
table by the nightly job, per partner's retention, in batches, idempotent and without loss; and a
shipment recalled, returned or lost leaves tracking (its row closes)."""

import datetime as dt

import pytest

from courier.shipments.services.shipments import shipment_transition
from tests.factories import PartnerFactory, UserFactory
from tracking.models import (
    ArchivedTrackingEvent,
    EventRetention,
    FollowUpTask,
    ShipmentTracking,
    TrackingEvent,
    TrackingPolicy,
)
from tracking.services import tracking_events_archive, tracking_events_ingest, tracking_sweep

from .conftest import at, event

pytestmark = pytest.mark.django_db
NOW = at("2026-09-15", "02:30")


def _life(shipment, start: dt.datetime, *, delivered=True, tag=""):
    """Three events a day apart (two scans and, when ``delivered``, the delivery), received
    when they happened."""
    statuses = ["in_transit", "arrived_at_station"] + (["delivered"] if delivered else [])
    for n, status in enumerate(statuses):
        moment = start + dt.timedelta(days=n)
        extra = {"sub_status": "by_recipient"} if status == "delivered" else {}
        results = tracking_events_ingest(
            shipment.partner,
            [event(shipment, f"{tag}{shipment.pk}-{n}", status, moment, **extra)],
            user=None,
            now=moment,
        )
        assert [r.result for r in results] == ["accepted"]


def _hot(shipment) -> int:
    return TrackingEvent.objects.filter(shipment=shipment).count()


def test_archive_moves_closed_shipments_past_their_partners_retention(make_shipment):
    """TRK-02, PLT-14: default retention 6 months, partner B keeps 2. On 2026-09-15:
    A's shipment delivered in February (7 months) and B's delivered in June (3 months > 2) move,
    3 events each, in batches of one shipment; A's delivered in June (3 < 6) and A's still in
    transit since January stay live. Moved rows equal removed rows, with the same ids; a re-run
    moves nothing."""
    assert TrackingPolicy.current().events_keep_months == 6
    a_old = make_shipment(partner_ref="A-OLD")
    a_recent = make_shipment(partner_ref="A-RECENT")
    a_open = make_shipment(partner_ref="A-OPEN")
    partner_b = PartnerFactory()
    b_recent = make_shipment(owner=partner_b, partner_ref="B-RECENT")
    EventRetention.objects.create(partner=partner_b, keep_months=2)
    _life(a_old, at("2026-02-10", "10:00"))
    _life(a_recent, at("2026-06-10", "10:00"))
    _life(a_open, at("2026-01-10", "10:00"), delivered=False)
    _life(b_recent, at("2026-06-10", "10:00"))
    ids = set(
        TrackingEvent.objects.filter(shipment__in=[a_old, b_recent]).values_list("pk", flat=True)
    )
    assert len(ids) == 6

    result = tracking_events_archive(now=NOW, batch=1)
    assert (result.shipments, result.archived, result.removed, result.batches) == (2, 6, 6, 2)
    assert (_hot(a_old), _hot(b_recent), _hot(a_recent), _hot(a_open)) == (0, 0, 3, 2)
    archived = ArchivedTrackingEvent.objects.order_by("shipment_id", "seq")
    assert set(archived.values_list("pk", flat=True)) == ids
    assert list(archived.filter(shipment_id=a_old.pk).values_list("seq", "status")) == [
        (1, "in_transit"),
        (2, "arrived_at_station"),
        (3, "delivered"),
    ]
    assert set(archived.values_list("archived_at", flat=True)) == {NOW}
    assert ShipmentTracking.objects.get(pk=a_old.pk).events_archived_at == NOW
    assert ShipmentTracking.objects.get(pk=a_recent.pk).events_archived_at is None

    again = tracking_events_archive(now=NOW)
    assert (again.shipments, again.archived, again.removed, again.batches) == (0, 0, 0, 0)
    assert ArchivedTrackingEvent.objects.count() == 6
    assert TrackingEvent.objects.count() == 3 + 2


def test_a_late_event_after_archival_stays_live_until_its_own_retention(make_shipment):
    """TRK-02, PLT-14: an event that arrives after the shipment's events were
    archived continues the sequence (4), stays live and clears the archived mark; six months
    after it, the next run archives it too."""
    shipment = make_shipment()
    _life(shipment, at("2026-02-10", "10:00"))
    tracking_events_archive(now=NOW)
    late_at = at("2026-09-14", "09:00")
    tracking_events_ingest(
        shipment.partner,
        [event(shipment, "late", "in_transit", late_at)],
        user=None,
        now=NOW,
    )
    late = TrackingEvent.objects.get(shipment=shipment)
    assert late.seq == 4
    row = ShipmentTracking.objects.get(pk=shipment.pk)
    assert row.events_archived_at is None and row.active is False
    assert tracking_events_archive(now=NOW).shipments == 0
    later = at("2027-03-15", "02:30")
    assert tracking_events_archive(now=later).archived == 1
    assert ArchivedTrackingEvent.objects.filter(shipment_id=shipment.pk).count() == 4


def test_archive_batch_that_would_lose_rows_rolls_back(make_shipment):
    """TRK-02, PLT-14, no loss: when the archive already holds a row with the id of
    one of the batch's events but for another shipment (it cannot be copied), deleting would
    drop an event that is not archived: the batch raises and rolls back whole (3 events still
    live, nothing archived, the row not marked)."""
    from courier.core.errors import StateConflict

    shipment = make_shipment()
    _life(shipment, at("2026-02-10", "10:00"))
    first = TrackingEvent.objects.filter(shipment=shipment).order_by("seq").first()
    ArchivedTrackingEvent.objects.create(
        id=first.pk,
        shipment_id=shipment.pk + 1000,
        partner_id=shipment.partner_id,
        seq=1,
        status="in_transit",
        occurred_at=NOW,
        received_at=NOW,
        source="partner_api",
        archived_at=NOW,
    )
    with pytest.raises(StateConflict):
        tracking_events_archive(now=NOW)
    assert _hot(shipment) == 3
    assert ArchivedTrackingEvent.objects.count() == 1
    assert ShipmentTracking.objects.get(pk=shipment.pk).events_archived_at is None


@pytest.mark.parametrize("steps", [["mark_lost"], ["recall"], ["recall", "receive_back"]])
def test_recalled_returned_or_lost_shipment_leaves_tracking(make_shipment, steps):
    """TRK-02: a shipment lost, recalled (returning) or returned through the shipments service
    closes its tracking row: the next sweep opens no chase for it although its last event is
    two days old, and a late carrier scan does not reopen it."""
    shipment = make_shipment()
    _life(shipment, at("2026-09-12", "10:00"), delivered=False)
    assert ShipmentTracking.objects.get(pk=shipment.pk).active is True
    boss = UserFactory(is_superuser=True)
    for name in steps:
        shipment = shipment_transition(shipment, name, user=boss)
    assert ShipmentTracking.objects.get(pk=shipment.pk).active is False
    result = tracking_sweep(now=NOW)
    assert result.stale == 0
    assert not FollowUpTask.objects.filter(shipment=shipment).exists()
    tracking_events_ingest(
        shipment.partner,
        [event(shipment, "late-scan", "in_transit", NOW - dt.timedelta(hours=1))],
        user=None,
        now=NOW,
    )
    row = ShipmentTracking.objects.get(pk=shipment.pk)
    assert (row.active, row.last_seq) == (False, 3)


def test_event_resent_after_its_original_was_archived_is_a_duplicate(make_shipment):
    """TRK-02, PLT-14: repeats are harmless after archival too. After the nightly archival moved a
    delivered shipment's 3 events, the partner re-sends the same 3 event ids and a new one in
    one batch: the 3 are "duplicate" (nothing stored, the sequence stays at 3, the archived
    mark stays, no webhook for them), the new one "accepted" as seq 4; the batch's queries are
    as many as without an archive (the duplicate check reads both tables in one query)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courier.core.models import WebhookEvent

    shipment = make_shipment()
    start = at("2026-02-10", "10:00")
    _life(shipment, start)
    assert tracking_events_archive(now=NOW).archived == 3
    hooks = WebhookEvent.objects.filter(event_type="tracking.event_added").count()
    resent = [
        event(shipment, f"{shipment.pk}-{n}", status, start + dt.timedelta(days=n), **extra)
        for n, (status, extra) in enumerate(
            [
                ("in_transit", {}),
                ("arrived_at_station", {}),
                ("delivered", {"sub_status": "by_recipient"}),
            ]
        )
    ]
    with CaptureQueriesContext(connection) as ctx:
        results = tracking_events_ingest(
            shipment.partner,
            [*resent, event(shipment, "new", "in_transit", NOW - dt.timedelta(hours=1))],
            user=None,
            now=NOW,
        )
    assert [(r.index, r.event_id, r.result, r.reason) for r in results] == [
        (0, f"{shipment.pk}-0", "duplicate", ""),
        (1, f"{shipment.pk}-1", "duplicate", ""),
        (2, f"{shipment.pk}-2", "duplicate", ""),
        (3, "new", "accepted", ""),
    ]
    assert list(TrackingEvent.objects.filter(shipment=shipment).values_list("seq", flat=True)) == [
        4
    ]
    assert ArchivedTrackingEvent.objects.filter(shipment_id=shipment.pk).count() == 3
    assert ShipmentTracking.objects.get(pk=shipment.pk).last_seq == 4
    hook = WebhookEvent.objects.filter(event_type="tracking.event_added").order_by("pk").last()
    assert WebhookEvent.objects.filter(event_type="tracking.event_added").count() == hooks + 1
    assert [e["event_id"] for e in hook.payload["events"]] == ["new"]
    duplicate_checks = [
        q["sql"]
        for q in ctx.captured_queries
        if "partner_event_id" in q["sql"] and q["sql"].lstrip("(").startswith("SELECT")
    ]
    assert len(duplicate_checks) == 1
    assert "tracking_archivedtrackingevent" in duplicate_checks[0]

    again = tracking_events_ingest(shipment.partner, resent[:1], user=None, now=NOW)
    assert [(r.event_id, r.result) for r in again] == [(f"{shipment.pk}-0", "duplicate")]
    assert ShipmentTracking.objects.get(pk=shipment.pk).last_seq == 4


def test_archive_refuses_a_second_copy_of_a_partners_event_id(make_shipment):
    """TRK-02, PLT-14: the archive's (partner, partner_event_id) index is unique (staff events,
    with no partner event id, may repeat the empty one)."""
    from django.db import IntegrityError, transaction

    shipment = make_shipment()

    def row(pk, event_id):
        return ArchivedTrackingEvent(
            id=pk,
            shipment_id=shipment.pk,
            partner_id=shipment.partner_id,
            seq=pk,
            status="in_transit",
            occurred_at=NOW,
            received_at=NOW,
            source="partner_api",
            partner_event_id=event_id,
            archived_at=NOW,
        )

    row(1, "").save(force_insert=True)
    row(2, "").save(force_insert=True)
    row(3, "E1").save(force_insert=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        row(4, "E1").save(force_insert=True)
    assert ArchivedTrackingEvent.objects.count() == 3
