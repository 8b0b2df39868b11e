"""Complaint deadline arithmetic: pure functions, no database (CMP-03/04/05, CMP-12, CMP-13).

Times are aware datetimes. A milestone's clock starts when the complaint is received and starts
again when it is escalated (an escalated complaint is handled as a major one, CMP-03). Time spent
awaiting the customer's answer is paused and does not count toward the solution deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

MAX_LEVEL = 3


@dataclass(frozen=True)
class Policy:
    """The numbers of one SLA policy row (None: no deadline for that milestone)."""

    response_minutes: int | None = None
    response_same_day: bool = False
    resolution_minutes: int | None = None
    resolution_same_day: bool = False


@dataclass(frozen=True)
class Clock:
    """What the sweep needs to know about one complaint's SLA state."""

    respond_by: dt.datetime | None
    resolve_by: dt.datetime | None
    response_allowed_seconds: int
    resolution_allowed_seconds: int
    responded: bool
    resolved: bool
    paused: bool
    response_warned: bool
    resolution_warned: bool
    response_breached: bool
    resolution_breached: bool
    level: int


def end_of_local_day(moment: dt.datetime, tz: str, cutoff: dt.time | None = None) -> dt.datetime:
    """The first instant of the next local day; after ``cutoff`` local time, of the day after."""
    local = moment.astimezone(ZoneInfo(tz))
    day = local.date() + dt.timedelta(days=1)
    if cutoff is not None and local.time() >= cutoff:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ZoneInfo(tz))


def milestone_deadline(
    start: dt.datetime,
    minutes: int | None,
    same_day: bool,
    *,
    paused_seconds: int = 0,
    tz: str = "Asia/Shanghai",
    cutoff: dt.time | None = None,
) -> dt.datetime | None:
    """The deadline of one milestone, pushed back by the time the clock was paused."""
    if same_day:
        base = end_of_local_day(start, tz, cutoff)
    elif minutes:
        base = start + dt.timedelta(minutes=minutes)
    else:
        return None
    return base + dt.timedelta(seconds=paused_seconds)


def deadlines(
    policy: Policy,
    start: dt.datetime,
    *,
    paused_seconds: int = 0,
    tz: str = "Asia/Shanghai",
    cutoff: dt.time | None = None,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(respond_by, resolve_by). The response is never paused: only the solution clock is."""
    respond_by = milestone_deadline(
        start, policy.response_minutes, policy.response_same_day, tz=tz, cutoff=cutoff
    )
    resolve_by = milestone_deadline(
        start,
        policy.resolution_minutes,
        policy.resolution_same_day,
        paused_seconds=paused_seconds,
        tz=tz,
        cutoff=cutoff,
    )
    return respond_by, resolve_by


def allowed_seconds(
    start: dt.datetime, deadline: dt.datetime | None, paused_seconds: int = 0
) -> int:
    """How much active time a milestone grants (the deadline minus the start and the pauses)."""
    if deadline is None:
        return 0
    return max(0, int((deadline - start).total_seconds()) - paused_seconds)


def warning_at(deadline: dt.datetime | None, allowed: int, percent: int) -> dt.datetime | None:
    """When ``percent`` % of the allowed active time has passed."""
    if deadline is None or allowed <= 0:
        return None
    remaining = allowed * (100 - percent) // 100
    return deadline - dt.timedelta(seconds=remaining)


def paused_seconds_between(
    pauses: list[tuple[dt.datetime, dt.datetime | None]],
    since: dt.datetime,
    until: dt.datetime,
) -> int:
    """Seconds of the pause intervals that fall inside [since, until]; an open pause runs to
    ``until``. Overlapping intervals are counted once."""
    clipped = []
    for start, end in pauses:
        s, e = max(start, since), min(end or until, until)
        if e > s:
            clipped.append((s, e))
    clipped.sort()
    total, cur_s, cur_e = 0, None, None
    for s, e in clipped:
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += (cur_e - cur_s).total_seconds()
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += (cur_e - cur_s).total_seconds()
    return int(total)


def active_minutes(start: dt.datetime, end: dt.datetime, paused_seconds: int = 0) -> int:
    """Whole minutes of active (unpaused) time from start to end, rounded up."""
    seconds = max(0, int((end - start).total_seconds()) - paused_seconds)
    return -(-seconds // 60)


def next_check_at(clock: Clock, percent: int) -> dt.datetime | None:
    """The earliest moment the sweep must look at this complaint again (None: never)."""
    moments = []
    if not clock.responded and clock.respond_by and not clock.response_breached:
        if not clock.response_warned:
            moments.append(
                warning_at(clock.respond_by, clock.response_allowed_seconds, percent)
                or clock.respond_by
            )
        moments.append(clock.respond_by)
    if (
        not clock.resolved
        and not clock.paused
        and clock.resolve_by
        and not clock.resolution_breached
    ):
        if not clock.resolution_warned:
            moments.append(
                warning_at(clock.resolve_by, clock.resolution_allowed_seconds, percent)
                or clock.resolve_by
            )
        moments.append(clock.resolve_by)
    return min(moments) if moments else None


def due_actions(clock: Clock, now: dt.datetime, percent: int) -> list[str]:
    """What the sweep does now: ``warn_response``, ``warn_resolution``, ``escalate_response``,
    ``escalate_resolution``, ``breach_response``/``breach_resolution`` (at the top level, where
    nobody is above: recorded and HQ told once). At most one escalation per run."""
    actions = []
    response_open = not clock.responded and clock.respond_by and not clock.response_breached
    resolution_open = (
        not clock.resolved
        and not clock.paused
        and clock.resolve_by
        and not clock.resolution_breached
    )
    response_due = response_open and clock.respond_by <= now
    resolution_due = resolution_open and clock.resolve_by <= now
    if response_due or resolution_due:
        which = "response" if response_due else "resolution"
        if clock.level >= MAX_LEVEL:
            if response_due:
                actions.append("breach_response")
            if resolution_due:
                actions.append("breach_resolution")
        else:
            actions.append(f"escalate_{which}")
        return actions
    if response_open and not clock.response_warned:
        warn = warning_at(clock.respond_by, clock.response_allowed_seconds, percent)
        if warn is not None and warn <= now:
            actions.append("warn_response")
    if resolution_open and not clock.resolution_warned:
        warn = warning_at(clock.resolve_by, clock.resolution_allowed_seconds, percent)
        if warn is not None and warn <= now:
            actions.append("warn_resolution")
    return actions


def next_level(level: int) -> int | None:
    return level + 1 if level < MAX_LEVEL else None


def reopen_allowed(closed_at: dt.datetime | None, now: dt.datetime, days: int) -> bool:
    return closed_at is not None and now <= closed_at + dt.timedelta(days=days)


def percentage(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with two decimals (None when there is nothing to measure)."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def target_met(rate: Decimal | None, target: Decimal) -> bool | None:
    return None if rate is None else rate >= target


def average(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)
