"""Punches, the computed attendance day, and missed-punch corrections (ATT-01, ATT-02)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from .people import Employee


class Direction(models.TextChoices):
    IN = "in", _("Clock in")
    OUT = "out", _("Clock out")


class Punch(models.Model):
    class Source(models.TextChoices):
        DEVICE = "device", _("Time clock")
        WEB = "web", _("Web")
        CORRECTION = "correction", _("Approved correction")

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="punches"
    )
    at = models.DateTimeField(_("time"), db_index=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.DEVICE
    )
    correction = models.OneToOneField(
        "staffing.PunchCorrection",
        verbose_name=_("correction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="punch",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punch")
        verbose_name_plural = _("punches")
        ordering = ["at"]
        indexes = [models.Index(fields=["employee", "at"])]

    def __str__(self):
        return f"{self.employee.name} {self.get_direction_display()} {self.at:%Y-%m-%d %H:%M}"


class AttendanceDay(models.Model):
    """One person's day measured against their roster sessions (ATT-01)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")
        LATE_LEFT_EARLY = "late_left_early", _("Late and left early")
        MISSING_PUNCH = "missing_punch", _("Missing punch")
        ABSENT = "absent", _("Absent")
        ON_LEAVE = "on_leave", _("On leave")

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="attendance"
    )
    date = models.DateField(_("date"), db_index=True)
    entry = models.ForeignKey(
        "staffing.RosterEntry",
        verbose_name=_("roster entry"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)
    early_minutes = models.PositiveIntegerField(_("minutes left early"), default=0)
    missing_punches = models.PositiveSmallIntegerField(_("missing punches"), default=0)
    computed_at = models.DateTimeField(_("computed at"))
    finalized_at = models.DateTimeField(
        _("finalized at"),
        null=True,
        blank=True,
        help_text=_("Set once the correction window closed and consequences were recorded."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance day")
        verbose_name_plural = _("attendance days")
        ordering = ["-date", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "date"], name="attendance_once_per_day"),
        ]

    def __str__(self):
        return f"{self.employee.name} {self.date} {self.get_status_display()}"


class CorrectionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PunchCorrection(FSMModelMixin, models.Model):
    """ATT-02: a forgotten punch explained to the supervisor within 2 days; ≤3 applications a
    month."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="corrections"
    )
    date = models.DateField(_("date"), db_index=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    at = models.DateTimeField(_("time of the forgotten punch"))
    reason = models.TextField(_("explanation"))
    filed_at = models.DateTimeField(_("filed at"))
    state = FSMField(
        _("state"),
        max_length=16,
        choices=CorrectionState.choices,
        default=CorrectionState.PENDING,
        protected=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    rule_results = models.JSONField(_("rule results"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punch correction")
        verbose_name_plural = _("punch corrections")
        ordering = ["-filed_at"]

    def __str__(self):
        return f"{self.employee.name} {self.date} {self.get_direction_display()}"

    @transition(field=state, source=CorrectionState.PENDING, target=CorrectionState.APPROVED)
    def approve(self, by, at, reason=""):
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason

    @transition(field=state, source=CorrectionState.PENDING, target=CorrectionState.REJECTED)
    def reject(self, by, at, reason=""):
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason
