"""Complaint deadline arithmetic: pure functions, no database (CMP-03/04/05, CMP-12, CMP-13).

Times are aware datetimes. Two kinds of deadline exist per milestone (first response, solution):

* the **promise** to the customer (``respond_by`` / ``resolve_by``): from receipt, by the
  complaint's own policy (30 min / 4 h major, 12 h ordinary, CMP-03/04/05). Escalation never moves
  it; once it passes unmet the milestone is *breached* (recorded once, shown and counted).
* the **holder's** internal deadline (``holder_*``): escalation gives the new holder the major
  policy from the moment of escalation (CMP-03: an escalated complaint is handled as a major one).
  It only drives the next escalation; at HQ (the top) its passing is recorded once and HQ told.

Time spent awaiting the customer's answer is paused and does not count toward either solution
deadline.
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
    """What the sweep needs to know about one complaint's SLA state.

    ``respond_by`` / ``resolve_by``: the promise; ``holder_*``: the current holder's internal
    deadlines (None below the first escalation). ``*_allowed_seconds``: the active time of the
    window the holder works to (the holder's when set, else the promise's). ``*_breached``: the
    promise was missed (recorded); ``*_hq_missed``: HQ's own deadline was missed (recorded)."""

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
    holder_respond_by: dt.datetime | None = None
    holder_resolve_by: dt.datetime | None = None
    response_hq_missed: bool = False
    resolution_hq_missed: bool = False

    def open(self, milestone: str) -> bool:
        """The milestone still runs: not done and (for the solution) not paused."""
        if milestone == "response":
            return not self.responded
        return not self.resolved and not self.paused

    def promise(self, milestone: str) -> dt.datetime | None:
        return self.respond_by if milestone == "response" else self.resolve_by

    def working_deadline(self, milestone: str) -> dt.datetime | None:
        """The deadline the current holder works to: their own once escalated, else the
        promise."""
        holder = self.holder_respond_by if milestone == "response" else self.holder_resolve_by
        return holder if self.level > 0 and holder is not None else self.promise(milestone)

    def breached(self, milestone: str) -> bool:
        return self.response_breached if milestone == "response" else self.resolution_breached

    def hq_missed(self, milestone: str) -> bool:
        return self.response_hq_missed if milestone == "response" else self.resolution_hq_missed

    def warned(self, milestone: str) -> bool:
        return self.response_warned if milestone == "response" else self.resolution_warned

    def allowed(self, milestone: str) -> int:
        if milestone == "response":
            return self.response_allowed_seconds
        return self.resolution_allowed_seconds


MILESTONES = ("response", "resolution")


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


def _working_pending(clock: Clock, milestone: str) -> bool:
    """The holder's deadline still has to be acted on (escalated, or at HQ recorded)."""
    if not clock.open(milestone) or clock.working_deadline(milestone) is None:
        return False
    return not (clock.level >= MAX_LEVEL and clock.hq_missed(milestone))


def _promise_pending(clock: Clock, milestone: str) -> bool:
    """The promise has not passed yet, or has passed and its breach is not recorded yet."""
    return (
        clock.open(milestone)
        and clock.promise(milestone) is not None
        and not clock.breached(milestone)
    )


def next_check_at(clock: Clock, percent: int) -> dt.datetime | None:
    """The earliest moment the sweep must look at this complaint again (None: never): the
    holder's warning and deadline, and the promise until its breach is recorded."""
    moments = []
    for m in MILESTONES:
        if _working_pending(clock, m):
            deadline = clock.working_deadline(m)
            if not clock.warned(m):
                moments.append(warning_at(deadline, clock.allowed(m), percent) or deadline)
            moments.append(deadline)
        if _promise_pending(clock, m):
            moments.append(clock.promise(m))
    return min(moments) if moments else None


def due_actions(clock: Clock, now: dt.datetime, percent: int) -> list[str]:
    """What the sweep does now, in this order:

    * ``breach_response`` / ``breach_resolution``: the promise passed unmet (recorded once,
      whatever the level; counted as breached);
    * ``escalate_response`` / ``escalate_resolution``: the holder's deadline passed below HQ
      (at most one escalation per run, the response first);
    * ``hqmiss_response`` / ``hqmiss_resolution``: HQ's own deadline passed (recorded once,
      HQ told);
    * ``warn_response`` / ``warn_resolution``: 80 % of the holder's window has passed (only when
      nothing above is due for that milestone)."""
    actions = [
        f"breach_{m}" for m in MILESTONES if _promise_pending(clock, m) and clock.promise(m) <= now
    ]
    due = [m for m in MILESTONES if _working_pending(clock, m) and clock.working_deadline(m) <= now]
    if due:
        if clock.level >= MAX_LEVEL:
            actions += [f"hqmiss_{m}" for m in due]
        else:
            actions.append(f"escalate_{due[0]}")
        return actions
    for m in MILESTONES:
        if _working_pending(clock, m) and not clock.warned(m):
            warn = warning_at(clock.working_deadline(m), clock.allowed(m), percent)
            if warn is not None and warn <= now:
                actions.append(f"warn_{m}")
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
