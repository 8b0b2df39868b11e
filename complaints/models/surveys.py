"""Satisfaction surveys (CMP-13) and daily service-level figures (CMP-12)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Survey(models.Model):
    """A one-time public link sent when a complaint closes; answered once, 1–5."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="survey"
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    # Snapshots for the results per agent and category, as they were when the survey was sent.
    agent = models.ForeignKey(
        "staffing.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.CharField(_("category"), max_length=32)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("valid until"))
    score = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_score_1_to_5",
            ),
        ]

    def __str__(self):
        return f"#{self.complaint_id} {self.score or '-'}"


class ServiceLevelDay(models.Model):
    """CMP-12: one day's figures, entered or imported: orders and hotline calls."""

    day = models.DateField(_("day"), unique=True)
    orders_received = models.PositiveIntegerField(_("orders received"), default=0)
    orders_within_24h = models.PositiveIntegerField(_("orders processed within 24 h"), default=0)
    calls_offered = models.PositiveIntegerField(_("hotline calls offered"), default=0)
    calls_answered = models.PositiveIntegerField(_("hotline calls answered"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service-level day")
        verbose_name_plural = _("service-level days")
        ordering = ["-day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(orders_within_24h__lte=models.F("orders_received")),
                name="sld_orders_within_le_received",
            ),
            models.CheckConstraint(
                condition=models.Q(calls_answered__lte=models.F("calls_offered")),
                name="sld_calls_answered_le_offered",
            ),
        ]

    def __str__(self):
        return str(self.day)
