"""LEV-01..LEV-04, STF-05, STF-06, STF-08: the rules a leave request must pass. Pure."""

import datetime as dt
from dataclasses import dataclass

from .common import RuleResult, rule


@dataclass(frozen=True)
class LeaveFacts:
    requested_at: dt.datetime
    shift_start: dt.datetime | None  # None: no shift that day (nothing to take leave from)
    notice_hours: int
    needs_cover: bool
    has_cover: bool
    cover_is_requester: bool
    cover_agreed: bool | None  # None while requesting
    swapped: bool  # the shift is a swapped or swap-back shift
    holiday_duty: bool
    late_shift: bool
    addressed_to_direct_supervisor: bool
    duplicate: bool  # another open or approved leave on the same shift
    approver_is_direct_supervisor: bool | None = None
    # STF-08: the covering colleague is already rostered (or covering) for an overlapping session.
    cover_busy: bool = False


def sessions_overlap(
    first: list[tuple[dt.datetime, dt.datetime]], second: list[tuple[dt.datetime, dt.datetime]]
) -> bool:
    """Whether any session of ``first`` shares a moment with one of ``second`` (touching ends,
    11:30 and 11:30, do not overlap).

    >>> from datetime import datetime as d
    >>> late = [(d(2026, 3, 5, 13), d(2026, 3, 5, 17))]
    >>> sessions_overlap(late, [(d(2026, 3, 5, 9), d(2026, 3, 5, 13))])
    False
    >>> sessions_overlap(late, [(d(2026, 3, 5, 12), d(2026, 3, 5, 14))])
    True
    """
    return any(
        a_start < b_end and b_start < a_end for a_start, a_end in first for b_start, b_end in second
    )


def leave_rules_check(facts: LeaveFacts) -> list[RuleResult]:
    h = facts.notice_hours
    in_time = facts.shift_start is not None and facts.requested_at <= (
        facts.shift_start - dt.timedelta(hours=h)
    )
    results = [
        rule(
            "shift",
            "Rostered shift",
            "排班班次",
            facts.shift_start is not None and not facts.duplicate,
            ("Leave for a rostered shift.", "针对已排班的班次请假。"),
            (
                "There is no rostered shift without leave on that day.",
                "当天没有可请假的排班班次（或已有请假）。",
            ),
        ),
        rule(
            "notice",
            "Notice",
            "提前请假",
            in_time,
            (
                f"Requested at least {h} hours before the shift.",
                f"已在班次开始前至少 {h} 小时提出。",
            ),
            (
                f"This leave must be requested at least {h} hours before the shift starts.",
                f"此类假须在班次开始前至少 {h} 小时提出。",
            ),
        ),
    ]
    if facts.needs_cover:
        has = facts.has_cover and not facts.cover_is_requester
        results.append(
            rule(
                "cover",
                "Covering colleague",
                "同事代班",
                has and facts.cover_agreed is not False,
                ("A colleague covers the shift.", "已安排同事代班。"),
                (
                    "Personal leave needs a colleague who agrees to cover the shift.",
                    "一般事假须自行安排同事代班，且同事同意。",
                ),
            )
        )
    covered = facts.has_cover and not facts.cover_is_requester and facts.cover_agreed is not False
    if facts.has_cover and not facts.cover_is_requester:
        results.append(
            rule(
                "cover_free",
                "Cover is free",
                "代班同事空闲",
                not facts.cover_busy,
                ("The covering colleague is free during the shift.", "代班同事在该时段空闲。"),
                (
                    "The covering colleague is already rostered for an overlapping session and "
                    "cannot cover this shift.",
                    "代班同事在该时段已有排班，不能代班。",
                ),
            )
        )
    results += [
        rule(
            "not_swapped",
            "Not a swapped shift",
            "非换班班次",
            not facts.swapped,
            ("The shift is not a swapped shift.", "该班次不是换班或还班班次。"),
            (
                "No leave may be taken on a swapped or swap-back shift.",
                "换班、还班均不得请假。",
            ),
        ),
        rule(
            "holiday_duty",
            "Holiday duty",
            "节假日当班",
            not facts.holiday_duty,
            ("Not a public-holiday duty.", "不是节假日当班。"),
            (
                "Whoever is on duty on a public holiday may not take leave.",
                "节假日当班人员不允许请假。",
            ),
        ),
        rule(
            "late_shift",
            "Late/night shift",
            "晚班",
            # STF-08 rule 7 "夜班不允许请假、休息，如有特殊情况，需找人代班": a late shift is left
            # only to a colleague who covers it (or through a swap, which is not leave).
            not facts.late_shift or covered,
            (
                ("A colleague covers the late/night shift.", "晚班已找同事代班。")
                if facts.late_shift
                else ("Not a late/night shift.", "不是晚班。")
            ),
            (
                "No leave on a late/night shift: arrange a swap, or in a special case a colleague "
                "who covers it.",
                "晚班不允许请假、休息，只许换班；如有特殊情况，需找人代班。",
            ),
        ),
    ]
    if facts.approver_is_direct_supervisor is None:
        ok = facts.addressed_to_direct_supervisor
    else:
        ok = facts.addressed_to_direct_supervisor and facts.approver_is_direct_supervisor
    results.append(
        rule(
            "direct_supervisor",
            "Direct supervisor",
            "直属主管审批",
            ok,
            ("Addressed to the direct supervisor.", "已向直属主管请假。"),
            (
                "Leave must be requested from and approved by your direct supervisor; a "
                "skip-level request is invalid and counts as absence.",
                "须向直属主管请假并由其批准；越级请假不予生效，按旷工处理。",
            ),
        )
    )
    return results
