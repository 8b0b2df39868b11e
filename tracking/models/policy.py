"""Every number of the tracking rules, one row (pk=1) edited in the admin with history; and the
SMS templates (data)."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking import rules


class TrackingPolicy(models.Model):
    """TRK-02..05, TRK-10 and the public lookup. The sweep times themselves (09:00 and 16:00)
    are the beat schedule of the ``tracking-sweep-morning``/``-afternoon`` jobs (Periodic tasks
    in the admin)."""

    stale_hours = models.PositiveSmallIntegerField(
        _("no event for (hours) counts as stale"), default=24, validators=[MinValueValidator(1)]
    )
    future_tolerance_minutes = models.PositiveSmallIntegerField(
        _("event time may be ahead of ours by (minutes)"), default=10
    )
    max_batch = models.PositiveSmallIntegerField(
        _("events per ingestion batch"),
        default=500,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
    )
    afternoon_starts = models.TimeField(
        _("follow-ups created from this time are due the next day"), default=dt.time(12, 0)
    )
    same_day_due = models.TimeField(
        _("morning follow-ups due the same day at"), default=dt.time(18, 0)
    )
    next_day_due = models.TimeField(
        _("afternoon follow-ups due the next day at"), default=dt.time(12, 0)
    )
    chase_days = models.PositiveSmallIntegerField(
        _("chase a late delivery for (days)"), default=3, validators=[MinValueValidator(1)]
    )
    arrival_call_for_recipient = models.BooleanField(
        _("confirm arrival signed by the recipient"), default=True
    )
    arrival_call_for_proxy = models.BooleanField(
        _("confirm arrival signed by someone else"), default=True
    )
    arrival_call_for_pickup_point = models.BooleanField(
        _("confirm arrival at a locker or station"), default=True
    )
    chase_on_stale_event = models.BooleanField(
        _("chase on a delay or no-update event"), default=True
    )
    redelivery_on_failure = models.BooleanField(_("follow up every failed delivery"), default=True)
    followup_department = models.ForeignKey(
        "staffing.Department",
        verbose_name=_("department whose roster takes the calls"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    information_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("information clerk (gets the day's results)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lookup_per_minute = models.PositiveSmallIntegerField(
        _("public lookups per client address per minute"), default=20
    )
    lookup_max_failures = models.PositiveSmallIntegerField(
        _("wrong phone digits before a waybill locks"), default=5
    )
    lookup_lock_minutes = models.PositiveSmallIntegerField(_("lookup lock (minutes)"), default=30)
    events_keep_months = models.PositiveSmallIntegerField(
        _("keep a closed shipment's events in the live table for (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("The default; a partner's own event retention row overrides it."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tracking policy")
        verbose_name_plural = _("tracking policy")
        permissions = [("manage_trackingpolicy", _("Can edit the tracking rules"))]

    def __str__(self):
        return str(_("Tracking policy"))

    @classmethod
    def current(cls) -> "TrackingPolicy":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    def work_rules(self) -> rules.WorkRules:
        return rules.WorkRules(
            arrival_call_for_recipient=self.arrival_call_for_recipient,
            arrival_call_for_proxy=self.arrival_call_for_proxy,
            arrival_call_for_pickup_point=self.arrival_call_for_pickup_point,
            chase_on_stale_event=self.chase_on_stale_event,
            redelivery_on_failure=self.redelivery_on_failure,
        )


class SmsTemplate(models.Model):
    """An SMS text with ``{waybill}``, ``{status}``, ``{location}`` placeholders."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    body = models.CharField(_("text"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")
        ordering = ["code"]

    def __str__(self):
        return self.code


class SmsMessage(models.Model):
    """An SMS in the outbox: written in the caller's transaction, sent after commit by the
    configured backend (``TRACKING_SMS_BACKEND``; the demo logs it)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to_phone = models.CharField(_("to"), max_length=32)
    body = models.CharField(_("text"), max_length=500)
    template = models.CharField(_("template"), max_length=40, blank=True)
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default="queued", db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        ordering = ["-id"]

    def __str__(self):
        return f"{rules.mask_phone(self.to_phone)}: {self.body[:30]}"  # ORG-03
