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
            not facts.late_shift,
            ("Not a late/night shift.", "不是晚班。"),
            (
                "No leave on a late/night shift: arrange a swap or a cover instead.",
                "晚班不允许请假、休息，只能换班或找人代班。",
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
