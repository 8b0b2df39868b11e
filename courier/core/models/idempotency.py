"""Idempotency records: the first response to a POST, kept per (partner, Idempotency-Key)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """A POST seen with an ``Idempotency-Key``; replays return the stored status and body."""

    IN_FLIGHT = "in_flight"
    DONE = "done"
    STATES = [(IN_FLIGHT, _("in flight")), (DONE, _("done"))]

    partner = models.ForeignKey(
        "courier.Partner", verbose_name=_("partner"), on_delete=models.CASCADE
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    state = models.CharField(_("state"), max_length=16, choices=STATES, default=IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.TextField(_("response body"), blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    locked_at = models.DateTimeField(_("locked at"))

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="idempotency_once_per_key"),
        ]

    def __str__(self):
        return f"{self.partner_id}:{self.key}"
