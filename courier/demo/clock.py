"""The demo's clock: every time relative to when the demo is seeded (Asia/Shanghai)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

MORNING_SWEEP = dt.time(9, 0)


@dataclass(frozen=True)
class Clock:
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def morning(self) -> dt.datetime:
        """The morning sweep of today (09:00), or now when the demo starts before it: the moment
        the day's events are received and the calls opened (so they are due today)."""
        nine = timezone.make_aware(dt.datetime.combine(self.today, MORNING_SWEEP))
        return min(self.now, nine)

    def before_morning(self, **delta) -> dt.datetime:
        return self.morning - dt.timedelta(**delta)

    def ago(self, **delta) -> dt.datetime:
        return self.now - dt.timedelta(**delta)


def clock_now() -> Clock:
    return Clock(timezone.now())
