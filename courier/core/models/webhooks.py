"""Webhooks to partners: endpoints (subscriptions), the outbox of events, deliveries, attempts.

``courier.core.services.webhooks.webhook_event_emit`` writes a ``WebhookEvent`` and one
``WebhookDelivery`` per subscribed endpoint in the caller's transaction (the outbox); Celery sends
them after commit and a periodic sweep retries the due ones. ``WebhookAttempt`` is the append-only
log of every HTTP try.
"""

import base64
import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Event types a partner can subscribe to. Domain services emit them.
WEBHOOK_EVENT_TYPES = {
    "shipment.status_changed": _("Shipment status changed"),
    "shipment.exception": _("Shipment exception"),
    "tracking.event_added": _("Tracking event added"),
    "complaint.status_changed": _("Complaint status changed"),
    "return.status_changed": _("Return status changed"),
    "statement.issued": _("Statement issued"),
}


# The event a partner's "test" sends to one endpoint; not subscribable.
WEBHOOK_TEST_EVENT = "webhook.test"


def webhook_secret_new() -> str:
    """A Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class WebhookEndpoint(models.Model):
    """A partner's URL and the event types it subscribes to (empty list: every type)."""

    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(
        _("event types"),
        default=list,
        blank=True,
        help_text=_("Event types to send; leave empty for every type."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    secret = models.CharField(_("signing secret"), max_length=100, default=webhook_secret_new)
    previous_secret = models.CharField(_("previous secret"), max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    # Set at the first failure after a success; an endpoint failing for a whole day is disabled.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("disabled because"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret", "previous_secret"])

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["partner_id", "pk"]

    def __str__(self):
        return self.url

    def subscribes_to(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookEvent(models.Model):
    """The outbox: one row per event, written in the same transaction as the change."""

    msg_id = models.CharField(
        _("message id"), max_length=40, unique=True, default=webhook_message_id, editable=False
    )
    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="webhook_events",
    )
    event_type = models.CharField(_("event type"), max_length=64)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.event_type} {self.msg_id}"


class WebhookDelivery(models.Model):
    """Sending one event to one endpoint, with its retry schedule."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATES = [(PENDING, _("pending")), (SUCCEEDED, _("succeeded")), (FAILED, _("failed"))]

    event = models.ForeignKey(
        WebhookEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    state = models.CharField(_("state"), max_length=16, choices=STATES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # A re-send from the admin is a new delivery that points at the one it repeats.
    resend_of = models.ForeignKey(
        "self",
        verbose_name=_("re-send of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resends",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One HTTP try of a delivery (append-only log)."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    attempted_at = models.DateTimeField(_("attempted at"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    response_excerpt = models.CharField(_("response excerpt"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery_id", "number"]

    def __str__(self):
        return f"#{self.number} {self.status_code or self.error}"
