"""Factories and helpers for the shifts, roster, swap, leave and attendance tests."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from staffing.models import (
    Holiday,
    LeaveType,
    Position,
    RosterEntry,
    RosterKind,
    ShiftType,
)
from tests.factories import EmployeeFactory, UserFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(day: dt.date | str, hhmm: str = "00:00") -> dt.datetime:
    """An aware Shanghai time: ``at("2026-03-10", "09:00")``."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=TZ)


def shift(code: str) -> ShiftType | None:
    return None if code in ("", "-", None) else ShiftType.objects.get(code=code)


class SupervisorFactory(EmployeeFactory):
    position = Position.SUPERVISOR
    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"sup{n}"))


def team(size: int = 3):
    """A supervisor and ``size`` agents reporting to them."""
    supervisor = SupervisorFactory()
    agents = [EmployeeFactory(supervisor=supervisor) for _ in range(size)]
    return supervisor, agents


def entry(employee, day, code="cs-early", *, kind=RosterKind.DUTY, **kwargs) -> RosterEntry:
    """A published roster entry (``code`` "-" is a rest day)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return RosterEntry.objects.create(
        employee=employee,
        date=day,
        kind=kind,
        shift_type=shift(code),
        status=RosterEntry.Status.PUBLISHED,
        **kwargs,
    )


def holiday(day: str, name="Labour Day") -> Holiday:
    obj, _ = Holiday.objects.update_or_create(
        date=dt.date.fromisoformat(day), defaults={"kind": Holiday.Kind.HOLIDAY, "name": name}
    )
    return obj


def leave_type(code: str) -> LeaveType:
    return LeaveType.objects.get(code=code)
