"""ORG-03, ORG-05: who may hold a chat or shop-system account when. Pure."""

import datetime as dt

from .common import RuleResult, rule


def periods_overlap(
    a_start: dt.datetime, a_end: dt.datetime | None, b_start: dt.datetime, b_end: dt.datetime | None
) -> bool:
    """Two holdings overlap when each starts before the other ends (an open end never ends).

    >>> from datetime import datetime as d
    >>> periods_overlap(d(2026, 3, 1), d(2026, 3, 10), d(2026, 3, 10), None)
    False
    >>> periods_overlap(d(2026, 3, 1), None, d(2026, 3, 10), None)
    True
    """
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def holding_rules_check(
    *, overlaps_other_holder: bool, approver_is_supervisor: bool | None, reason: str
) -> list[RuleResult]:
    """ORG-03 "不得借用他人电脑及他人专用帐号。特殊情况需经主管批准": an account held by someone
    else at the same time is shared only with the holder's supervisor's approval and a reason."""
    if not overlaps_other_holder:
        return [
            rule(
                "single_holder",
                "One holder at a time",
                "专人专用",
                True,
                ("Nobody else holds this account then.", "该时段无他人使用此帐号。"),
                ("", ""),
            )
        ]
    approved = bool(approver_is_supervisor) and bool(reason.strip())
    return [
        rule(
            "single_holder",
            "One holder at a time",
            "专人专用",
            approved,
            (
                "Shared use approved by the supervisor.",
                "共用帐号已经主管批准。",
            ),
            (
                "Someone else holds this account then: nobody may use another person's account "
                "except with the supervisor's recorded approval and a reason.",
                "该时段已有他人使用此帐号：不得借用他人专用帐号，特殊情况需经主管批准并记录原因。",
            ),
        )
    ]
