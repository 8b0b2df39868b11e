"""Rotating roster patterns, the generated roster entries and their recorded changes (STF-02)."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .people import Department, Employee
from .shifts import ShiftType


class RosterKind(models.TextChoices):
    DUTY = "duty", _("Duty roster")
    CLEANING = "cleaning", _("Cleaning roster")


class RosterPattern(models.Model):
    """A team pattern: its steps follow one another, each lasting ``rotation_days`` (STF-02: 5).

    Each member starts at a step (``start_step``), so the team rotates through the steps together.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=16, choices=RosterKind.choices, default=RosterKind.DUTY
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    rotation_days = models.PositiveSmallIntegerField(
        _("rotation (days)"), default=5, validators=[MinValueValidator(1)]
    )
    start_date = models.DateField(_("first day of the rotation"))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roster pattern")
        verbose_name_plural = _("roster patterns")
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class RosterPatternStep(models.Model):
    """One block of the rotation: a shift (duty roster), a chore (cleaning roster) or rest."""

    pattern = models.ForeignKey(
        RosterPattern, verbose_name=_("pattern"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(pgettext_lazy("sequence", "order"))
    shift_type = models.ForeignKey(
        ShiftType,
        verbose_name=_("shift type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty on a duty roster means rest."),
    )
    duty = models.CharField(
        _("chore"), max_length=100, blank=True, help_text=_("Cleaning roster: the chore.")
    )

    class Meta:
        verbose_name = _("pattern step")
        verbose_name_plural = _("pattern steps")
        ordering = ["pattern", "order"]
        constraints = [
            models.UniqueConstraint(fields=["pattern", "order"], name="pattern_step_order"),
        ]

    def __str__(self):
        return f"{self.order}: {self.shift_type or self.duty or _('rest')}"


class RosterPatternMember(models.Model):
    pattern = models.ForeignKey(
        RosterPattern, verbose_name=_("pattern"), on_delete=models.CASCADE, related_name="members"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+"
    )
    start_step = models.PositiveSmallIntegerField(_("starting step"), default=0)

    class Meta:
        verbose_name = _("pattern member")
        verbose_name_plural = _("pattern members")
        constraints = [
            models.UniqueConstraint(fields=["pattern", "employee"], name="pattern_member_once"),
        ]

    def __str__(self):
        return str(self.employee)


class RosterEntry(models.Model):
    """One person, one day, one roster kind: the shift (or chore) they are on."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Cause(models.TextChoices):
        NONE = "", _("As planned")
        SWAP = "swap", _("Swap")
        SWAP_BACK = "swap_back", _("Swap back")
        LEAVE = "leave", _("Leave")
        MANUAL = "manual", _("Changed by the supervisor")

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="roster"
    )
    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=RosterKind.choices, default=RosterKind.DUTY
    )
    pattern = models.ForeignKey(
        RosterPattern,
        verbose_name=_("pattern"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    shift_type = models.ForeignKey(
        ShiftType,
        verbose_name=_("shift type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    duty = models.CharField(_("chore"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    change_cause = models.CharField(
        _("change cause"), max_length=16, choices=Cause.choices, blank=True, default=""
    )
    swap = models.ForeignKey(
        "staffing.SwapRequest",
        verbose_name=_("swap"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    leave = models.ForeignKey(
        "staffing.LeaveRequest",
        verbose_name=_("leave"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["date", "kind", "employee"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "date", "kind"], name="roster_one_entry_per_person_day"
            ),
        ]

    def __str__(self):
        what = self.shift_type or self.duty or _("rest")
        return f"{self.date} {self.employee.name}: {what}"

    @property
    def is_working(self) -> bool:
        return self.shift_type_id is not None

    def session_times(self):
        return self.shift_type.session_times(self.date) if self.shift_type_id else []

    def starts_at(self):
        times = self.session_times()
        return times[0][0] if times else None


class RosterChange(models.Model):
    """Append-only: what changed on a published entry, why, by whom (STF-02)."""

    entry = models.ForeignKey(
        RosterEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="changes"
    )
    cause = models.CharField(_("cause"), max_length=16, choices=RosterEntry.Cause.choices)
    old_shift_type = models.ForeignKey(
        ShiftType,
        verbose_name=_("old shift type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_shift_type = models.ForeignKey(
        ShiftType,
        verbose_name=_("new shift type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.entry}: {self.get_cause_display()}"


def _new_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret token of an employee's iCalendar roster feed."""

    employee = models.OneToOneField(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="calendar"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.employee)
