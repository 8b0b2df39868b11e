from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import Kind, Severity


class SlaPolicy(models.Model):
    """CMP-03/04/05: deadlines per (kind, severity), editable by ops staff.

    A deadline is either a number of minutes from the start of the clock or "the same day" (the
    end of the local day on which the clock started; ``ComplaintSettings.same_day_cutoff``, off by
    default, may move late intake to the next day).
    Empty means the milestone has no deadline for that kind.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    response_minutes = models.PositiveIntegerField(
        _("first response (minutes)"), null=True, blank=True
    )
    response_same_day = models.BooleanField(_("first response the same day"), default=False)
    resolution_minutes = models.PositiveIntegerField(_("solution (minutes)"), null=True, blank=True)
    resolution_same_day = models.BooleanField(_("solution the same day"), default=False)
    source = models.CharField(_("source rule"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["kind", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "severity"], name="sla_policy_once"),
            models.CheckConstraint(
                condition=~models.Q(response_minutes=0) & ~models.Q(resolution_minutes=0),
                name="sla_policy_minutes_positive",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} / {self.get_severity_display()}"


class ComplaintSettings(models.Model):
    """The complaint rules' numbers (one row, pk=1), editable in the admin."""

    warning_percent = models.PositiveSmallIntegerField(
        _("warn the assignee at (percent of the time)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    reopen_days = models.PositiveSmallIntegerField(
        _("reopen allowed within (days)"), default=7, validators=[MinValueValidator(1)]
    )
    # CMP-05: "投诉处理需在当天给与业务公司相关人员答复": by default the end of the day received,
    # whatever the hour; ops may set an earlier cut-off (off by default).
    same_day_cutoff = models.TimeField(
        _("same-day cut-off"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Empty (the default): a same-day deadline is the end of the local day the complaint "
            "was received. Set: received at or after this local time, it is the next day's end."
        ),
    )
    sweep_batch_size = models.PositiveIntegerField(
        _("sweep batch size"), default=200, validators=[MinValueValidator(1)]
    )
    sweep_max_batches = models.PositiveIntegerField(
        _("sweep batches per run"), default=50, validators=[MinValueValidator(1)]
    )
    work_order_hours = models.PositiveIntegerField(
        _("work order due in (hours)"), default=24, validators=[MinValueValidator(1)]
    )
    survey_valid_days = models.PositiveSmallIntegerField(
        _("survey link valid (days)"), default=14, validators=[MinValueValidator(1)]
    )
    bad_review_max_score = models.PositiveSmallIntegerField(
        _("a survey score at or below this is a bad review"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    insurance_min_photos = models.PositiveSmallIntegerField(
        _("photos required for an insurance claim"), default=1, validators=[MinValueValidator(1)]
    )
    hotline_answer_target = models.DecimalField(
        _("hotline answer-rate target (%)"), max_digits=5, decimal_places=2, default=Decimal("98")
    )
    order_24h_target = models.DecimalField(
        _("orders processed within 24 h target (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")

    def __str__(self):
        return str(_("Complaint settings"))

    @classmethod
    def load(cls) -> "ComplaintSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
