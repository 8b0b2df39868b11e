"""Issue 19 item 11 (scale plan): the nightly archival of the events of closed shipments.

A shipment whose tracking row is closed (delivered, returned, lost, cancelled, recalled) and
whose last event is older than its partner's retention (``EventRetention``, else the policy's
``events_keep_months``) has its events moved from ``tracking_trackingevent`` to
``tracking_archivedtrackingevent`` in batches of shipments, one transaction per batch: copy,
delete exactly the rows copied, mark the tracking row. A re-run moves nothing twice; a batch
that would remove another number of rows than it archived rolls back whole.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from courier.core.errors import StateConflict
from tracking import rules, selectors
from tracking.models import ArchivedTrackingEvent, ShipmentTracking, TrackingEvent
from tracking.models.archive import ANY_EVENT_COLUMNS
from tracking.services.common import policy

ARCHIVE_BATCH = 500  # shipments per transaction (their events: a few thousand rows)
_COLUMNS = ANY_EVENT_COLUMNS  # the one list of an event's columns, id first


@dataclass
class ArchiveResult:
    shipments: int = 0
    archived: int = 0  # rows now in the archive for the shipments moved
    removed: int = 0  # rows deleted from the live table (always equal to ``archived``)
    batches: int = 0


def archive_cutoffs(now: dt.datetime) -> tuple[dt.datetime, dict[int, dt.datetime]]:
    """The default cut-off and each partner's own (events older than it may move)."""
    default = rules.months_before(now, policy().events_keep_months)
    own = {
        partner_id: rules.months_before(now, months)
        for partner_id, months in selectors.event_retentions().items()
    }
    return default, own


def _batch_move(ids: list[int], now: dt.datetime) -> tuple[int, int]:
    """Copy the events of shipments ``ids`` to the archive and delete them: (archived,
    removed). The caller's transaction holds the tracking rows' locks."""
    hot = TrackingEvent._meta.db_table
    cold = ArchivedTrackingEvent._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    cols = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {hot} WHERE shipment_id IN ({marks})", ids)
        live = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {cold} ({cols}, archived_at) SELECT {cols}, %s FROM {hot} "
            f"WHERE shipment_id IN ({marks}) ON CONFLICT (id) DO NOTHING",
            [connection.ops.adapt_datetimefield_value(now), *ids],
        )
        cursor.execute(
            f"DELETE FROM {hot} WHERE shipment_id IN ({marks}) "
            f"AND id IN (SELECT id FROM {cold} WHERE shipment_id IN ({marks}))",
            [*ids, *ids],
        )
        removed = cursor.rowcount
    if removed != live:
        raise StateConflict(
            f"archival of {len(ids)} shipments would remove {removed} of {live} events",
            code="archive_mismatch",
        )
    return live, removed


def tracking_events_archive(
    now: dt.datetime | None = None, *, batch: int = ARCHIVE_BATCH, max_batches: int | None = None
) -> ArchiveResult:
    """The nightly job: move the events of closed shipments past their retention, batch by
    batch, until none is left (or ``max_batches``)."""
    now = now or timezone.now()
    default, own = archive_cutoffs(now)
    result = ArchiveResult()
    while max_batches is None or result.batches < max_batches:
        with transaction.atomic():
            ids = list(
                selectors.archivable_tracking(default, own)
                .select_for_update()
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            archived, removed = _batch_move(ids, now)
            ShipmentTracking.objects.filter(pk__in=ids).update(events_archived_at=now)
        result.shipments += len(ids)
        result.archived += archived
        result.removed += removed
        result.batches += 1
    return result
