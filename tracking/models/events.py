"""Tracking events (TRK-02, TRK-11): the append-only ledger, the partners' code tables, and the
per-shipment projection the sweeps read through indexes."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking import rules


class TrackingStatus(models.TextChoices):
    INFO_RECEIVED = rules.INFO_RECEIVED, _("Info received")
    PICKED_UP = rules.PICKED_UP, _("Picked up")
    IN_TRANSIT = rules.IN_TRANSIT, _("In transit")
    ARRIVED_AT_STATION = rules.ARRIVED_AT_STATION, _("Arrived at station")
    OUT_FOR_DELIVERY = rules.OUT_FOR_DELIVERY, _("Out for delivery")
    AT_PICKUP_POINT = rules.AT_PICKUP_POINT, _("At locker or station")
    DELIVERY_FAILED = rules.DELIVERY_FAILED, _("Delivery failed")
    DELIVERED = rules.DELIVERED, _("Delivered")
    EXCEPTION = rules.EXCEPTION, _("Exception")
    STALE = rules.STALE, _("No update")
    RETURNING = rules.RETURNING, _("Returning")
    RETURNED = rules.RETURNED, _("Returned")
    CANCELLED = rules.CANCELLED, _("Cancelled")


class SubStatus(models.TextChoices):
    RECIPIENT_ABSENT = "recipient_absent", _("Recipient absent")
    ADDRESS_ERROR = "address_error", _("Address error")
    UNREACHABLE = "unreachable", _("Recipient unreachable")
    REFUSED = "refused", _("Refused")
    BY_RECIPIENT = "by_recipient", _("By the recipient")
    BY_PROXY = "by_proxy", _("By an authorised proxy")
    AT_PICKUP_POINT = "at_pickup_point", _("At a locker or station")
    DAMAGED = "damaged", _("Damaged")
    LOST = "lost", _("Lost")
    WEATHER = "weather", _("Delayed by weather")
    TRAFFIC_CONTROL = "traffic_control", _("Delayed by traffic control")
    RECIPIENT_ANOMALY = "recipient_anomaly", _("Recipient anomaly")
    OBJECTIVE = "objective", _("Other objective cause")
    OTHER = "other", _("Other")


class EventSource(models.TextChoices):
    PARTNER_API = "partner_api", _("Partner API")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


class StatusMapping(models.Model):
    """A partner's (or, with no partner, every partner's) raw status code and what it means in
    our vocabulary. Seeded with a Kuaidi100-style table; events keep the raw code, so a changed
    mapping can be replayed."""

    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tracking_status_mappings",
        help_text=_("Empty: the default table for every partner."),
    )
    code = models.CharField(_("raw code"), max_length=32)
    status = models.CharField(_("status"), max_length=20, choices=TrackingStatus.choices)
    sub_status = models.CharField(
        _("sub-status"), max_length=20, choices=SubStatus.choices, blank=True
    )
    label = models.CharField(_("partner's label"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status mapping")
        verbose_name_plural = _("status mappings")
        ordering = ["partner_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "code"],
                condition=Q(partner__isnull=False),
                name="trk_mapping_partner_code",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(partner__isnull=True), name="trk_mapping_default_code"
            ),
        ]

    def __str__(self):
        return f"{self.code} → {self.status}"


class TrackingEvent(models.Model):
    """One carrier or staff event. Append-only: never updated or deleted by the application (so
    it carries no history table); a correction is a new event that names the one it corrects."""

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        related_name="tracking_events",
        db_index=False,  # covered by the (shipment, seq) unique index
    )
    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by the (partner, partner_event_id) unique index
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
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    source = models.CharField(_("source"), max_length=12, choices=EventSource.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    partner_event_id = models.CharField(_("partner's event id"), max_length=64, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    moved_state = models.BooleanField(_("moved the shipment"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["shipment_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "seq"], name="trk_event_shipment_seq"),
            models.UniqueConstraint(
                fields=["partner", "partner_event_id"],
                condition=~Q(partner_event_id=""),
                name="trk_event_partner_event_id",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="trk_event_gps_pair",
            ),
        ]

    def __str__(self):
        return f"{self.shipment_id}#{self.seq} {self.status}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_append_only_ok", False):
            raise ValueError("tracking events are append-only; record a correcting event")
        super().save(*args, **kwargs)


class ShipmentTracking(models.Model):
    """Where tracking stands for one shipment: a projection of its events, rewritten under the
    row lock by every ingestion (so it carries no history; the events are the record). The
    sweeps find their work through the partial indexes below, never by scanning events."""

    shipment = models.OneToOneField(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="tracking",
    )
    partner = models.ForeignKey(
        "courier.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    last_seq = models.PositiveIntegerField(_("last sequence number"), default=0)
    last_event_at = models.DateTimeField(_("last event at"))
    last_status = models.CharField(
        _("last status"), max_length=20, choices=TrackingStatus.choices, blank=True
    )
    last_sub_status = models.CharField(_("last sub-status"), max_length=20, blank=True)
    last_location = models.CharField(_("last location"), max_length=200, blank=True)
    estimate_at = models.DateTimeField(_("estimated arrival"), null=True, blank=True)
    active = models.BooleanField(_("in transit"), default=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    arrival_call_due = models.BooleanField(_("arrival confirmation needed"), default=False)
    arrival_confirmed_at = models.DateTimeField(_("arrival confirmed at"), null=True, blank=True)
    events_archived_at = models.DateTimeField(
        _("events archived at"),
        null=True,
        blank=True,
        help_text=_("When the archival job moved its events out; a later event clears it."),
    )

    class Meta:
        verbose_name = _("shipment tracking")
        verbose_name_plural = _("shipment tracking")
        indexes = [
            models.Index(
                fields=["last_event_at"], condition=Q(active=True), name="trk_active_last_event"
            ),
            models.Index(
                fields=["estimate_at"],
                condition=Q(active=True, estimate_at__isnull=False),
                name="trk_active_estimate",
            ),
            models.Index(
                fields=["last_event_at"],
                condition=Q(active=True, last_status=rules.DELIVERY_FAILED),
                name="trk_active_failed",
            ),
            models.Index(
                fields=["delivered_at"],
                condition=Q(arrival_call_due=True, arrival_confirmed_at__isnull=True),
                name="trk_arrival_unconfirmed",
            ),
            models.Index(fields=["partner", "active"], name="trk_partner_active"),
            models.Index(
                fields=["last_event_at"],
                condition=Q(active=False, events_archived_at__isnull=True),
                name="trk_archivable",
            ),
        ]

    def __str__(self):
        return f"{self.shipment_id}: {self.last_status}"
