"""ATT-01, ATT-02: a day's punches against its roster sessions; correction rules. Pure."""

import datetime as dt
from dataclasses import dataclass

from .common import RuleResult, rule

PRESENT, LATE, LEFT_EARLY, LATE_LEFT_EARLY = "present", "late", "left_early", "late_left_early"
MISSING_PUNCH, ABSENT, ON_LEAVE = "missing_punch", "absent", "on_leave"


@dataclass(frozen=True)
class DayResult:
    status: str
    late_minutes: int = 0
    early_minutes: int = 0
    missing_punches: int = 0


def _nearest(sessions, at, index):
    return min(range(len(sessions)), key=lambda i: abs((sessions[i][index] - at).total_seconds()))


def attendance_evaluate(
    sessions: list[tuple[dt.datetime, dt.datetime]],
    punches: list[tuple[dt.datetime, str]],
    *,
    grace_minutes: int = 0,
    on_leave: bool = False,
) -> DayResult:
    """Each session needs a clock-in by its start (plus grace) and a clock-out after its end.

    A punch belongs to the session whose start (clock-in) or end (clock-out) is nearest.
    No punch at all is absence; some but not all punches is a missing punch.
    """
    if on_leave:
        return DayResult(ON_LEAVE)
    if not punches:
        return DayResult(ABSENT, missing_punches=2 * len(sessions))
    ins = [[] for _ in sessions]
    outs = [[] for _ in sessions]
    for at, direction in punches:
        if direction == "in":
            ins[_nearest(sessions, at, 0)].append(at)
        else:
            outs[_nearest(sessions, at, 1)].append(at)
    late = early = missing = 0
    grace = dt.timedelta(minutes=grace_minutes)
    for (start, end), session_ins, session_outs in zip(sessions, ins, outs, strict=True):
        if session_ins:
            first = min(session_ins)
            if first > start + grace:
                late += int((first - start).total_seconds() // 60)
        else:
            missing += 1
        if session_outs:
            last = max(session_outs)
            if last < end:
                early += int(-(-(end - last).total_seconds() // 60))
        else:
            missing += 1
    if missing:
        status = MISSING_PUNCH
    elif late and early:
        status = LATE_LEFT_EARLY
    elif late:
        status = LATE
    elif early:
        status = LEFT_EARLY
    else:
        status = PRESENT
    return DayResult(status, late, early, missing)


def left_post_counts(status: str, *, approved_swap: bool, approved_leave: bool) -> bool:
    """STF-10 / G2 "私自离岗未做好换班的": leaving early is leaving the post only when nothing
    approved covers it: no approved swap of that day, and no approved leave (with or without a
    colleague covering, STF-08) of that shift.

    >>> left_post_counts("left_early", approved_swap=False, approved_leave=False)
    True
    >>> left_post_counts("left_early", approved_swap=True, approved_leave=False)
    False
    >>> left_post_counts("late", approved_swap=False, approved_leave=False)
    False
    """
    if status not in (LEFT_EARLY, LATE_LEFT_EARLY):
        return False
    return not (approved_swap or approved_leave)


def correction_deadline(punch_at: dt.datetime, window_hours: int) -> dt.datetime:
    """ATT-02: a forgotten punch is explained within the window (2 days) of when it was due."""
    return punch_at + dt.timedelta(hours=window_hours)


def correction_rules_check(
    *,
    punch_at: dt.datetime,
    filed_at: dt.datetime,
    window_hours: int,
    applied_this_month: int,
    monthly_limit: int,
    approver_is_direct_supervisor: bool | None = None,
) -> list[RuleResult]:
    deadline = correction_deadline(punch_at, window_hours)
    days = window_hours / 24
    days_txt = f"{days:g}"
    # ATT-02 "签卡申请每月不得超过3次": the cap counts applications (pending, approved or
    # rejected), not approvals; ``applied_this_month`` are the ones filed before this one.
    n = applied_this_month + 1
    results = [
        rule(
            "not_future",
            "Past punch",
            "已发生的打卡",
            punch_at <= filed_at,
            ("The forgotten punch is in the past.", "补卡时间已过去。"),
            ("A punch in the future cannot be corrected.", "不能为将来的时间补卡。"),
        ),
        rule(
            "deadline",
            "Explained in time",
            "按时说明",
            filed_at <= deadline,
            (
                f"Explained within {days_txt} days.",
                f"已在 {days_txt} 日内说明。",
            ),
            (
                f"A forgotten punch must be explained within {days_txt} days; it now counts as "
                "leaving post.",
                f"忘记打卡须于 {days_txt} 日内向主管说明，逾期视为离岗、脱岗。",
            ),
        ),
        rule(
            "monthly_limit",
            "Corrections this month",
            "本月补卡次数",
            n <= monthly_limit,
            (
                f"Correction application {n} of at most {monthly_limit} this month.",
                f"本月第 {n} 次签卡申请（上限 {monthly_limit} 次）。",
            ),
            (
                f"At most {monthly_limit} punch correction applications may be filed per month.",
                f"签卡申请每月不得超过 {monthly_limit} 次。",
            ),
        ),
    ]
    if approver_is_direct_supervisor is not None:
        results.append(
            rule(
                "direct_supervisor",
                "Direct supervisor",
                "直属主管审批",
                approver_is_direct_supervisor,
                ("Approved by the direct supervisor.", "由直属主管审批。"),
                (
                    "Only the employee's direct supervisor may decide this correction.",
                    "只有员工的直属主管才能审批补卡。",
                ),
            )
        )
    return results


def punch_session(
    sessions: list[tuple[dt.datetime, dt.datetime]], at: dt.datetime, direction: str
) -> int | None:
    """The session a punch belongs to, as ``attendance_evaluate`` assigns it: the one whose
    start (clock-in) or end (clock-out) is nearest. ``None`` without a session."""
    if not sessions:
        return None
    return _nearest(sessions, at, 0 if direction == "in" else 1)


def punch_repeats(previous_direction: str | None, direction: str) -> bool:
    """ATT-01: a punch in the same direction as the person's previous one of the same session
    (or, unrostered, of the same day) is a repeated click, not a new punch.

    >>> punch_repeats("in", "in"), punch_repeats("out", "in"), punch_repeats(None, "out")
    (True, False, False)
    """
    return previous_direction == direction


def clock_in_late_minutes(start: dt.datetime, at: dt.datetime, grace_minutes: int) -> int:
    """ATT-01: the minutes a clock-in at ``at`` is late for a session starting at ``start``,
    counted as the day's computation counts them (from the start, once past the grace); 0 on
    time.

    >>> t = dt.datetime(2026, 3, 2, 9, 0)
    >>> clock_in_late_minutes(t, t + dt.timedelta(minutes=7, seconds=59), 0)
    7
    >>> clock_in_late_minutes(t, t + dt.timedelta(minutes=5), 5)
    0
    >>> clock_in_late_minutes(t, t + dt.timedelta(minutes=6), 5)
    6
    """
    if at <= start + dt.timedelta(minutes=grace_minutes):
        return 0
    return int((at - start).total_seconds() // 60)
