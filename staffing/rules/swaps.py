"""STF-03..STF-09: the rules a shift swap must pass. Pure: the facts come from selectors."""

import datetime as dt
from dataclasses import dataclass

from .common import RuleResult, rule


@dataclass(frozen=True)
class SwapFacts:
    requested_at: dt.datetime
    # Start of the earliest shift the swap moves (either side, either leg); None: nobody works.
    first_start: dt.datetime | None
    changes_something: bool  # the two people's shifts differ on every swapped day
    holiday_duty: bool  # someone involved is on duty on a public holiday on a swapped day
    month_count: int  # the requester's approved swaps in that month, this one excluded
    adjacent_swap: bool  # another open/approved swap of either person on a neighbouring day
    handover_note: str
    has_supervisor: bool
    # None while requesting; at approval: whether the approver is the requester's supervisor.
    approver_is_direct_supervisor: bool | None = None


def swap_rules_check(facts: SwapFacts, *, lead_hours: int, monthly_limit: int) -> list[RuleResult]:
    """Every swap rule with its verdict and explanation in English and Chinese."""
    results = [
        rule(
            "shift",
            "Shifts to swap",
            "换班班次",
            facts.changes_something and facts.first_start is not None,
            ("The two shifts differ and can be exchanged.", "双方班次不同，可以互换。"),
            (
                "There is nothing to exchange: both people have the same shift (or no shift) "
                "on the swapped day.",
                "没有可互换的班次：换班当天双方班次相同或均无班次。",
            ),
        ),
    ]
    in_time = (
        facts.first_start is not None
        and facts.requested_at <= facts.first_start - dt.timedelta(hours=lead_hours)
    )
    results.append(
        rule(
            "lead_time",
            "Requested in advance",
            "提前申请",
            in_time,
            (
                f"Requested at least {lead_hours} hours before the shift.",
                f"已在班次开始前至少 {lead_hours} 小时提出。",
            ),
            (
                f"A swap must be requested at least {lead_hours} hours before the shift starts; "
                "a last-minute swap is not valid.",
                f"换班须在班次开始前至少 {lead_hours} 小时提出，临时通知换班不予生效。",
            ),
        )
    )
    results.append(
        rule(
            "holiday_duty",
            "Holiday duty",
            "节假日当班",
            not facts.holiday_duty,
            ("No public-holiday duty is involved.", "不涉及节假日当班。"),
            (
                "Whoever is on duty on a public holiday may not swap.",
                "节假日当班人员不允许换班。",
            ),
        )
    )
    n = facts.month_count + 1
    results.append(
        rule(
            "monthly_limit",
            "Swaps this month",
            "本月换班次数",
            n <= monthly_limit,
            (
                f"Swap {n} of at most {monthly_limit} this month.",
                f"本月第 {n} 次换班（上限 {monthly_limit} 次）。",
            ),
            (
                f"This would be swap {n} this month; at most {monthly_limit} are allowed. "
                "Only the supervisor's explicit override allows it, and it costs 2 points.",
                f"这将是本月第 {n} 次换班，每月不得超过 {monthly_limit} 次；"
                "须主管明确特批，且每次扣 2 分。",
            ),
            overridable=True,
        )
    )
    results.append(
        rule(
            "no_consecutive",
            "No consecutive swaps",
            "不得连续换班",
            not facts.adjacent_swap,
            ("No other swap on a neighbouring day.", "相邻日期没有其他换班。"),
            (
                "Consecutive swaps are not allowed: there is already a swap on a neighbouring day.",
                "不允许连续换班：相邻日期已有换班。",
            ),
        )
    )
    results.append(
        rule(
            "handover_note",
            "Handover note",
            "工作交接",
            bool(facts.handover_note.strip()),
            ("The handover note is written.", "已填写交接说明。"),
            (
                "Both sides must hand over their work: write the handover note.",
                "换班双方必须交接清楚工作：请填写交接说明。",
            ),
        )
    )
    if facts.approver_is_direct_supervisor is None:
        ok = facts.has_supervisor
        bad = (
            "You have no direct supervisor to approve the swap.",
            "你没有可审批换班的直属主管。",
        )
    else:
        ok = facts.approver_is_direct_supervisor
        bad = (
            "Only the requester's direct supervisor may approve this swap.",
            "只有申请人的直属主管才能审批此换班。",
        )
    results.append(
        rule(
            "direct_supervisor",
            "Direct supervisor",
            "直属主管审批",
            ok,
            ("Approved by the direct supervisor.", "由直属主管审批。"),
            bad,
        )
    )
    return results
