"""Shift types made of ordered sessions (STF-01)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class ShiftType(models.Model):
    """STF-01: e.g. CS early 09:00–11:30 + 12:30–18:30. STF-08: a late/night shift flag."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_late = models.BooleanField(
        _("late/night shift"),
        default=False,
        help_text=_("No leave and no rest on this shift: only a swap or a cover."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shift type")
        verbose_name_plural = _("shift types")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def session_times(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The aware start and end of each session of this shift on ``day``, in order."""
        tz = ZoneInfo(settings.TIME_ZONE)
        result = []
        for session in self.sessions.all():
            start = dt.datetime.combine(day, session.start, tzinfo=tz)
            end = dt.datetime.combine(day, session.end, tzinfo=tz)
            if end <= start:  # a session running past midnight
                end += dt.timedelta(days=1)
            result.append((start, end))
        return result


class ShiftSession(models.Model):
    shift_type = models.ForeignKey(
        ShiftType, verbose_name=_("shift type"), on_delete=models.CASCADE, related_name="sessions"
    )
    order = models.PositiveSmallIntegerField(pgettext_lazy("sequence", "order"), default=1)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shift session")
        verbose_name_plural = _("shift sessions")
        ordering = ["shift_type", "order"]
        constraints = [
            models.UniqueConstraint(fields=["shift_type", "order"], name="shift_session_order"),
            models.CheckConstraint(condition=~models.Q(start=models.F("end")), name="session_len"),
        ]

    def __str__(self):
        return f"{self.start:%H:%M}–{self.end:%H:%M}"
