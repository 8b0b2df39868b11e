"""Reads the ops console (``courier.console``) composes for each role's home: who belongs to which
department, who is on duty now and next (the score period's settlement of each department is
``staffing.selectors.scoring.settlements_of_period``)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from staffing.models import Department, Employee, RosterEntry, RosterKind


def department_members(department_ids=None) -> dict[int, list[int]]:
    """Employee ids (active or not: their work still counts) per department, one query;
    ``None`` for every department."""
    qs = Employee.objects.order_by("department_id", "pk")
    if department_ids is not None:
        qs = qs.filter(department_id__in=list(department_ids))
    result: dict[int, list[int]] = {}
    for department_id, pk in qs.values_list("department_id", "pk"):
        result.setdefault(department_id, []).append(pk)
    return result


def departments_listed(department_ids=None) -> list[Department]:
    qs = Department.objects.order_by("code")
    if department_ids is not None:
        qs = qs.filter(pk__in=list(department_ids))
    return list(qs)


def duty_now_and_next(department_id: int, now: dt.datetime) -> dict:
    """STF-09 / the supervisor's board: the published duty entries of the department whose shift
    covers ``now`` (yesterday's night shifts included), and those whose shift is the next to
    start after ``now`` (within today and tomorrow). Two queries (entries, their sessions)."""
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    days = [local - dt.timedelta(days=1), local, local + dt.timedelta(days=1)]
    entries = list(
        RosterEntry.objects.filter(
            employee__department_id=department_id,
            date__in=days,
            kind=RosterKind.DUTY,
            status=RosterEntry.Status.PUBLISHED,
            shift_type__isnull=False,
            leave__isnull=True,
        )
        .select_related("employee", "shift_type")
        .prefetch_related("shift_type__sessions")
        .order_by("date", "shift_type__code", "employee__number")
    )
    on_now, upcoming = [], []
    for entry in entries:
        times = entry.session_times()
        if any(start <= now < end for start, end in times):
            on_now.append(entry)
        elif times and times[0][0] > now:  # the shift starts later (not a later session)
            upcoming.append((times[0][0], entry))
    next_start = min((start for start, _e in upcoming), default=None)
    return {
        "now": on_now,
        "next_at": next_start,
        "next": [e for start, e in upcoming if start == next_start],
    }
