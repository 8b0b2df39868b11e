"""Issue 19 item 11 (scale plan): the archival policy per partner and the archive table that
the nightly job moves closed shipments' old events into."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking.models.events import EventSource, SubStatus, TrackingStatus


class EventRetention(models.Model):
    """How many months a partner's events stay in the hot table after its shipment's last
    event, once the shipment is closed (delivered, returned, lost, cancelled, recalled).
    Partners without a row follow the tracking policy's default."""

    partner = models.OneToOneField(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="tracking_event_retention",
    )
    keep_months = models.PositiveSmallIntegerField(
        _("keep events in the live table for (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event retention")
        verbose_name_plural = _("event retention")
        ordering = ["partner_id"]

    def __str__(self):
        return f"{self.partner_id}: {self.keep_months}"


class ArchivedTrackingEvent(models.Model):
    """A tracking event moved out of ``TrackingEvent`` by the archival job: the same columns
    and the same id (a follow-up call's source event still names it), plus when it moved.
    Written only by ``tracking_events_archive``; never updated."""

    id = models.BigIntegerField(primary_key=True)
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # covered by the (shipment, seq) index
        related_name="+",
    )
    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    seq = models.PositiveIntegerField(_("sequence number"))
    status = models.CharField(_("status"), max_length=20, choices=TrackingStatus.choices)
    sub_status = models.CharField(
        _("sub-status"), max_length=20, choices=SubStatus.choices, blank=True
    )
    raw_code = models.CharField(_("partner's raw code"), max_length=32, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=12, choices=EventSource.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    partner_event_id = models.CharField(_("partner's event id"), max_length=64, blank=True)
    corrects_id = models.BigIntegerField(_("corrects"), null=True, blank=True)
    moved_state = models.BooleanField(_("moved the shipment"), default=False)
    created_by_id = models.IntegerField(_("recorded by"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"))

    class Meta:
        verbose_name = _("archived tracking event")
        verbose_name_plural = _("archived tracking events")
        ordering = ["shipment_id", "seq"]
        indexes = [models.Index(fields=["shipment", "seq"], name="trk_archive_shipment_seq")]
        constraints = [
            # The ingestion's duplicate check reads it (an event re-sent after its original
            # moved here is a duplicate). Unique: a partner's event id is unique in the live
            # table, an event moves once (same id), and ingestion refuses an id found here.
            models.UniqueConstraint(
                fields=["partner", "partner_event_id"],
                condition=~Q(partner_event_id=""),
                name="trk_archive_partner_event_id",
            ),
        ]

    def __str__(self):
        return f"{self.shipment_id}#{self.seq} {self.status}"


# The columns the view ``tracking_anyevent`` reads from both event tables, in order.
ANY_EVENT_COLUMNS = (
    "id",
    "shipment_id",
    "partner_id",
    "seq",
    "status",
    "sub_status",
    "raw_code",
    "occurred_at",
    "received_at",
    "location",
    "latitude",
    "longitude",
    "source",
    "description",
    "partner_event_id",
    "corrects_id",
    "moved_state",
    "created_by_id",
)


class AnyTrackingEvent(models.Model):
    """A tracking event, live or archived: the read-only database view ``tracking_anyevent``
    (``UNION ALL`` of ``TrackingEvent`` and ``ArchivedTrackingEvent``, created by migration
    0007). The public lookup and the partner sync read it, so a shipment's events stay visible
    after the nightly archival moved them (a filter on the shipment reaches each table's
    ``(shipment, seq)`` index). A column added to the event tables must be added to the view
    (``tests/tracking/test_archive_reads.py`` compares them)."""

    id = models.BigIntegerField(primary_key=True)
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    seq = models.PositiveIntegerField(_("sequence number"))
    status = models.CharField(_("status"), max_length=20, choices=TrackingStatus.choices)
    sub_status = models.CharField(
        _("sub-status"), max_length=20, choices=SubStatus.choices, blank=True
    )
    raw_code = models.CharField(_("partner's raw code"), max_length=32, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=12, choices=EventSource.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    partner_event_id = models.CharField(_("partner's event id"), max_length=64, blank=True)
    corrects_id = models.BigIntegerField(_("corrects"), null=True, blank=True)
    moved_state = models.BooleanField(_("moved the shipment"), default=False)
    created_by_id = models.IntegerField(_("recorded by"), null=True, blank=True)
    archived = models.BooleanField(_("archived"))

    class Meta:
        managed = False
        db_table = "tracking_anyevent"
        verbose_name = _("tracking event (live or archived)")
        verbose_name_plural = _("tracking events (live or archived)")
        ordering = ["shipment_id", "seq"]

    def __str__(self):
        return f"{self.shipment_id}#{self.seq} {self.status}"
