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
    """CMP-12: a correction of one day's measured figures, typed with a reason. The figures are
    measured (``complaints.selectors.service_levels_by_day``: calls from the imported call
    records, orders from their own timestamps); a row here replaces that day's measurement of
    the pair it fills (the orders, the calls, or both). A pair left empty stays measured."""

    day = models.DateField(_("day"), unique=True)
    orders_received = models.PositiveIntegerField(
        _("orders received"), null=True, blank=True, help_text=_("Empty: measured.")
    )
    orders_within_24h = models.PositiveIntegerField(
        _("orders processed within 24 h"), null=True, blank=True, help_text=_("Empty: measured.")
    )
    calls_offered = models.PositiveIntegerField(
        _("hotline calls offered"), null=True, blank=True, help_text=_("Empty: measured.")
    )
    calls_answered = models.PositiveIntegerField(
        _("hotline calls answered"), null=True, blank=True, help_text=_("Empty: measured.")
    )
    reason = models.TextField(
        _("reason for the correction"),
        blank=True,
        help_text=_("Why the measured figures of this day are wrong (required for a new entry)."),
    )
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

    @property
    def corrects_orders(self) -> bool:
        return self.orders_received is not None or self.orders_within_24h is not None

    @property
    def corrects_calls(self) -> bool:
        return self.calls_offered is not None or self.calls_answered is not None


class CallRecord(models.Model):
    """CMP-12: one hotline call as the phone system recorded it (imported, never typed). The
    answer rate is answered calls / offered calls, per local day of ``started_at``."""

    call_id = models.CharField(_("call id"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("call started at"), db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    caller = models.CharField(_("caller number"), max_length=32, blank=True)
    extension = models.CharField(_("agent extension"), max_length=16, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_file = models.CharField(_("source file"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hotline call record")
        verbose_name_plural = _("hotline call records")
        ordering = ["-started_at"]

    def __str__(self):
        return self.call_id
