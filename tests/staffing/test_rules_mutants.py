"""Pure boundary tests for ``staffing.rules`` (attendance, calendar, common, leave, scoring,
swaps) that kill the mutants the other tests let survive: each pins a number, a comparison
boundary, a default or an and/or of one rule exactly."""

import datetime as dt
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from staffing.rules import attendance as att
from staffing.rules.calendar import holidays_for_year
from staffing.rules.common import RuleResult, refusals, rule
from staffing.rules.leave import LeaveFacts, leave_rules_check
from staffing.rules.scoring import (
    Amounts,
    EventFacts,
    LineFigures,
    Tier,
    appeal_deadline,
    appeal_in_time,
    apply_supervisor_result,
    line_figures,
    line_from_totals,
    month_of,
    next_month,
    supervisor_team_result,
    tiers_check,
)
from staffing.rules.swaps import SwapFacts, swap_rules_check

SH = ZoneInfo("Asia/Shanghai")
TIERS = [
    Tier(100, 90, Decimal("10")),
    Tier(90, 80, Decimal("20")),
    Tier(80, 70, Decimal("30")),
    Tier(70, 60, Decimal("40")),
    Tier(60, 0, Decimal("40"), dismissal=True),
]


def verdicts(results):
    return [(r.code, r.passed, r.overridable) for r in results]


def by_code(results):
    return {r.code: r for r in results}


# --- common -------------------------------------------------------------------------------------
def test_rule_result_language_messages_and_refusals():
    """STF-09: every rule explains itself in English or Chinese by the active language; a failed
    overridable rule (STF-07) does not refuse, a passed one is never marked overridable."""
    ok = rule("c", "Name", "名称", True, ("fine", "好"), ("bad", "坏"), overridable=True)
    bad = rule("c", "Name", "名称", False, ("fine", "好"), ("bad", "坏"))
    soft = rule("s", "Soft", "软", False, ("fine", "好"), ("bad", "坏"), overridable=True)
    assert ok == RuleResult("c", "Name", "名称", True, "fine", "好", False)
    assert bad == RuleResult("c", "Name", "名称", False, "bad", "坏", False)
    assert soft.overridable is True
    assert refusals([ok, bad, soft]) == [bad]
    with translation.override("en-us"):
        assert (bad.name, bad.message) == ("Name", "bad")
    with translation.override("en"):
        assert (ok.name, ok.message) == ("Name", "fine")
    with translation.override("zh-hans"):
        assert (bad.name, bad.message) == ("名称", "坏")
    assert RuleResult.from_dict(soft.as_dict()) == soft
    assert soft.as_dict()["overridable"] is True


def test_rule_result_defaults_to_chinese_without_language(monkeypatch):
    """STF-09: with no active language the explanation is Chinese (the site default)."""
    from staffing.rules import common

    monkeypatch.setattr(common, "get_language", lambda: None)
    bad = rule("c", "Name", "名称", False, ("fine", "好"), ("bad", "坏"))
    assert (bad.name, bad.message) == ("名称", "坏")
    monkeypatch.setattr(common, "get_language", lambda: "EN")
    assert (bad.name, bad.message) == ("Name", "bad")


# --- calendar -----------------------------------------------------------------------------------
def test_holidays_for_year_from_package_fallback_and_unknown():
    """STF-06: holidays and make-up working days come from chinese-calendar, sorted; a year the
    package does not know uses the statutory fallback; an unknown year has none."""
    rows = holidays_for_year(2026)
    assert rows == sorted(rows)
    assert rows[0] == (dt.date(2026, 1, 1), "holiday", "New Year's Day", "chinese-calendar")
    assert (dt.date(2026, 1, 4), "workday", "New Year's Day", "chinese-calendar") in rows
    assert {r[0].year for r in rows} == {2026}
    assert {r[1] for r in rows} == {"holiday", "workday"}
    fallback = holidays_for_year(2027)
    assert len(fallback) == 13
    assert fallback[0] == (dt.date(2027, 1, 1), "holiday", "New Year's Day", "statutory")
    assert fallback[-1] == (dt.date(2027, 10, 3), "holiday", "National Day", "statutory")
    assert holidays_for_year(2100) == []


# --- attendance ---------------------------------------------------------------------------------
D = dt.datetime(2026, 3, 2, tzinfo=SH)
MORNING = (D.replace(hour=9), D.replace(hour=12))
AFTERNOON = (D.replace(hour=14), D.replace(hour=18))


def at(h, m=0, s=0):
    return D.replace(hour=h, minute=m, second=s)


def test_attendance_leave_absence_and_present():
    """ATT-01, LEV-05: approved leave is not absence; no punch at all is absence with every
    punch missing; punches on time are present."""
    assert att.attendance_evaluate([MORNING], [], on_leave=True) == att.DayResult("on_leave")
    assert att.attendance_evaluate([MORNING, AFTERNOON], []) == att.DayResult("absent", 0, 0, 4)
    punches = [(at(9), "in"), (at(12), "out"), (at(14), "in"), (at(18), "out")]
    assert att.attendance_evaluate([MORNING, AFTERNOON], punches) == att.DayResult(
        "present", 0, 0, 0
    )


def test_attendance_punch_goes_to_the_nearest_session():
    """ATT-01: with split sessions a punch belongs to the session whose start (in) or end (out)
    is nearest: a 13:00 clock-out ends the morning, a 13:10 clock-in starts the afternoon."""
    punches = [(at(9), "in"), (at(13), "out"), (at(13, 10), "in"), (at(18), "out")]
    assert att.attendance_evaluate([MORNING, AFTERNOON], punches) == att.DayResult(
        "present", 0, 0, 0
    )
    only_afternoon = [(at(14), "in"), (at(18), "out")]
    assert att.attendance_evaluate([MORNING, AFTERNOON], only_afternoon) == att.DayResult(
        "missing_punch", 0, 0, 2
    )
    only_ins = [(at(9), "in"), (at(14), "in")]
    assert att.attendance_evaluate([MORNING, AFTERNOON], only_ins) == att.DayResult(
        "missing_punch", 0, 0, 2
    )


def test_attendance_late_boundary_with_grace():
    """ATT-01: clocking in exactly at start plus grace is on time; after it is late, counted in
    whole minutes from the session start (the earliest clock-in counting)."""
    on_time = [(at(9, 5), "in"), (at(12), "out")]
    assert att.attendance_evaluate([MORNING], on_time, grace_minutes=5).status == "present"
    late = [(at(9, 5, 1), "in"), (at(9, 30), "in"), (at(12), "out")]
    assert att.attendance_evaluate([MORNING], late, grace_minutes=5) == att.DayResult(
        "late", 5, 0, 0
    )
    # less than a whole minute late without grace counts no late minutes
    assert att.attendance_evaluate([MORNING], [(at(9, 0, 59), "in"), (at(12), "out")]) == (
        att.DayResult("present", 0, 0, 0)
    )
    assert att.attendance_evaluate([MORNING], [(at(9, 2, 59), "in"), (at(12), "out")]) == (
        att.DayResult("late", 2, 0, 0)
    )


def test_attendance_early_boundary_rounds_up():
    """ATT-01: clocking out exactly at the end is on time; earlier is leaving early, rounded up
    to whole minutes, the last clock-out counting."""
    early = [(at(9), "in"), (at(11, 58, 30), "out"), (at(11, 50), "out")]
    assert att.attendance_evaluate([MORNING], early) == att.DayResult("left_early", 0, 2, 0)
    both = [(at(9, 10), "in"), (at(11, 59), "out")]
    assert att.attendance_evaluate([MORNING], both) == att.DayResult("late_left_early", 10, 1, 0)


def test_attendance_minutes_add_up_over_sessions_and_default_grace_is_zero():
    """ATT-01: late and early minutes of every session add up; without grace a clock-in one
    whole minute after the start is one minute late; leaving 2 min 1 s early is 3 minutes."""
    punches = [(at(9, 1), "in"), (at(11, 57, 59), "out"), (at(14, 2), "in"), (at(17, 59), "out")]
    assert att.attendance_evaluate([MORNING, AFTERNOON], punches) == att.DayResult(
        "late_left_early", 3, 4, 0
    )
    assert att.attendance_evaluate([MORNING], [(at(9, 1), "in"), (at(12), "out")]) == (
        att.DayResult("late", 1, 0, 0)
    )


def test_attendance_missing_punches_add_up_over_sessions():
    """ATT-02: a missing clock-out in the morning and a missing clock-in in the afternoon are
    two missing punches."""
    punches = [(at(9), "in"), (at(18), "out")]
    assert att.attendance_evaluate([MORNING, AFTERNOON], punches) == att.DayResult(
        "missing_punch", 0, 0, 2
    )


def test_rule_names_in_both_languages():
    """STF-09, LEV-01, ATT-02: every rule is named in English and Chinese for the approval
    page (in the order the rules are checked)."""
    names = [
        (r.code, r.name_en, r.name_zh)
        for r in att.correction_rules_check(
            punch_at=at(9),
            filed_at=at(10),
            window_hours=48,
            applied_this_month=0,
            monthly_limit=3,
            approver_is_direct_supervisor=True,
        )
    ]
    assert names == [
        ("not_future", "Past punch", "已发生的打卡"),
        ("deadline", "Explained in time", "按时说明"),
        ("monthly_limit", "Corrections this month", "本月补卡次数"),
        ("direct_supervisor", "Direct supervisor", "直属主管审批"),
    ]
    assert [(r.name_en, r.name_zh) for r in leave_rules_check(LEAVE)] == [
        ("Rostered shift", "排班班次"),
        ("Notice", "提前请假"),
        ("Covering colleague", "同事代班"),
        ("Cover is free", "代班同事空闲"),
        ("Not a swapped shift", "非换班班次"),
        ("Holiday duty", "节假日当班"),
        ("Late/night shift", "晚班"),
        ("Direct supervisor", "直属主管审批"),
    ]
    assert [(r.name_en, r.name_zh) for r in swap_check()] == [
        ("Shifts to swap", "换班班次"),
        ("Requested in advance", "提前申请"),
        ("Holiday duty", "节假日当班"),
        ("Swaps this month", "本月换班次数"),
        ("No consecutive swaps", "不得连续换班"),
        ("Handover note", "工作交接"),
        ("Direct supervisor", "直属主管审批"),
    ]


def test_attendance_missing_wins_over_late():
    """ATT-02: a missing punch is reported as such even when the other punch was late."""
    assert att.attendance_evaluate([MORNING], [(at(9, 30), "in")]) == att.DayResult(
        "missing_punch", 30, 0, 1
    )


def test_correction_rules_boundaries():
    """ATT-02: a forgotten punch may be explained up to exactly the window (2 days = 48 h) after
    it was due, not in the future, and at most the monthly limit of corrections."""
    punch = at(9)
    deadline = punch + dt.timedelta(hours=48)
    assert att.correction_deadline(punch, 48) == deadline

    def check(filed_at, approved=0, limit=3, direct=None, punch_at=punch):
        return att.correction_rules_check(
            punch_at=punch_at,
            filed_at=filed_at,
            window_hours=48,
            applied_this_month=approved,
            monthly_limit=limit,
            approver_is_direct_supervisor=direct,
        )

    assert verdicts(check(deadline, approved=2)) == [
        ("not_future", True, False),
        ("deadline", True, False),
        ("monthly_limit", True, False),
    ]
    assert verdicts(check(deadline + dt.timedelta(seconds=1), approved=3, direct=False)) == [
        ("not_future", True, False),
        ("deadline", False, False),
        ("monthly_limit", False, False),
        ("direct_supervisor", False, False),
    ]
    same_moment = check(punch, direct=True)
    assert [r.passed for r in same_moment] == [True, True, True, True]
    future = check(punch - dt.timedelta(seconds=1))
    assert by_code(future)["not_future"].passed is False
    ok = by_code(check(deadline, approved=2))
    assert ok["deadline"].message_en == "Explained within 2 days."
    assert ok["monthly_limit"].message_en == "Correction application 3 of at most 3 this month."
    late = by_code(check(deadline + dt.timedelta(seconds=1), approved=3))
    assert late["deadline"].message_en.startswith("A forgotten punch must be explained within 2")
    assert late["monthly_limit"].message_en == (
        "At most 3 punch correction applications may be filed per month."
    )
    assert late["monthly_limit"].message_zh == "签卡申请每月不得超过 3 次。"
    half_day = att.correction_rules_check(
        punch_at=punch,
        filed_at=punch,
        window_hours=36,
        applied_this_month=0,
        monthly_limit=3,
    )
    assert by_code(half_day)["deadline"].message_en == "Explained within 1.5 days."


# --- leave --------------------------------------------------------------------------------------
SHIFT = dt.datetime(2026, 3, 5, 9, 0, tzinfo=SH)
LEAVE = LeaveFacts(
    requested_at=SHIFT - dt.timedelta(hours=24),
    shift_start=SHIFT,
    notice_hours=24,
    needs_cover=True,
    has_cover=True,
    cover_is_requester=False,
    cover_agreed=None,
    swapped=False,
    holiday_duty=False,
    late_shift=False,
    addressed_to_direct_supervisor=True,
    duplicate=False,
)
LEAVE_CODES = [
    "shift",
    "notice",
    "cover",
    "cover_free",
    "not_swapped",
    "holiday_duty",
    "late_shift",
    "direct_supervisor",
]


def leave_failed(**changes):
    results = leave_rules_check(replace(LEAVE, **changes))
    return [r.code for r in results if not r.passed]


def test_leave_all_rules_pass_at_the_notice_boundary():
    """LEV-02: personal leave requested exactly the notice hours before the shift, with an
    agreeing (or not yet asked) colleague covering, passes every rule."""
    results = leave_rules_check(LEAVE)
    assert [r.code for r in results] == LEAVE_CODES
    assert all(r.passed and not r.overridable for r in results)
    assert leave_failed(cover_agreed=True) == []
    assert by_code(results)["notice"].message_en == "Requested at least 24 hours before the shift."


def test_leave_notice_one_second_late_fails():
    """LEV-02, LEV-03: one second after the notice limit is too late."""
    late = SHIFT - dt.timedelta(hours=24) + dt.timedelta(seconds=1)
    assert leave_failed(requested_at=late) == ["notice"]
    assert leave_failed(requested_at=late, notice_hours=2) == []


def test_leave_shift_rule():
    """LEV-01: leave needs a rostered shift with no other leave on it."""
    assert leave_failed(shift_start=None) == ["shift", "notice"]
    assert leave_failed(duplicate=True) == ["shift"]


def test_leave_cover_rule():
    """LEV-02: ordinary leave needs a colleague (not the requester) who did not refuse; leave
    that needs no cover has no cover rule."""
    assert leave_failed(has_cover=False) == ["cover"]
    assert leave_failed(cover_is_requester=True) == ["cover"]
    assert leave_failed(cover_agreed=False) == ["cover"]
    no_cover = leave_rules_check(replace(LEAVE, needs_cover=False, has_cover=False))
    assert [r.code for r in no_cover] == [
        c for c in LEAVE_CODES if c not in ("cover", "cover_free")
    ]
    assert all(r.passed for r in no_cover)


def test_leave_forbidden_shifts():
    """STF-05, STF-06, STF-08: no leave on a swapped shift, on holiday duty or on a late shift."""
    assert leave_failed(swapped=True) == ["not_swapped"]
    assert leave_failed(holiday_duty=True) == ["holiday_duty"]
    # STF-08 rule 7: a late shift is left only to a colleague who covers it (issue 13 point 16).
    assert leave_failed(late_shift=True, needs_cover=False, has_cover=False) == ["late_shift"]
    assert leave_failed(late_shift=True) == []
    assert leave_failed(late_shift=True, cover_agreed=False) == ["cover", "late_shift"]


def test_leave_direct_supervisor_rule():
    """LEV-04: a leave request goes to the direct supervisor and only they approve it."""
    assert leave_failed(addressed_to_direct_supervisor=False) == ["direct_supervisor"]
    assert leave_failed(approver_is_direct_supervisor=True) == []
    assert leave_failed(approver_is_direct_supervisor=False) == ["direct_supervisor"]
    assert leave_failed(
        addressed_to_direct_supervisor=False, approver_is_direct_supervisor=True
    ) == ["direct_supervisor"]


# --- swaps --------------------------------------------------------------------------------------
SWAP = SwapFacts(
    requested_at=SHIFT - dt.timedelta(hours=24),
    first_start=SHIFT,
    changes_something=True,
    holiday_duty=False,
    month_count=2,
    adjacent_swap=False,
    handover_note="交接：客户张三回电",
    has_supervisor=True,
)
SWAP_CODES = [
    "shift",
    "lead_time",
    "holiday_duty",
    "monthly_limit",
    "no_consecutive",
    "handover_note",
    "direct_supervisor",
]


def swap_check(**changes):
    return swap_rules_check(replace(SWAP, **changes), lead_hours=24, monthly_limit=3)


def swap_failed(**changes):
    return [r.code for r in swap_check(**changes) if not r.passed]


def test_swap_third_swap_at_lead_boundary_passes():
    """STF-03, STF-07: the 3rd swap of the month requested exactly the lead hours ahead passes
    every rule."""
    results = swap_check()
    assert verdicts(results) == [(code, True, False) for code in SWAP_CODES]
    assert by_code(results)["monthly_limit"].message_en == "Swap 3 of at most 3 this month."
    assert by_code(results)["lead_time"].message_en == (
        "Requested at least 24 hours before the shift."
    )


def test_swap_fourth_swap_is_overridable():
    """STF-07: a 4th swap in a month fails the limit but is overridable (supervisor's explicit
    approval); it does not refuse the request."""
    results = swap_check(month_count=3)
    limit = by_code(results)["monthly_limit"]
    assert (limit.passed, limit.overridable) == (False, True)
    assert limit.message_en.startswith("This would be swap 4 this month; at most 3 are allowed.")
    assert refusals(results) == []


def test_swap_lead_time_and_shift_rules():
    """STF-03: one second inside the lead time is too late; nothing to exchange (same shifts
    or nobody works) fails the shift rule."""
    late = SHIFT - dt.timedelta(hours=24) + dt.timedelta(seconds=1)
    assert swap_failed(requested_at=late) == ["lead_time"]
    assert swap_failed(changes_something=False) == ["shift"]
    assert swap_failed(first_start=None) == ["shift", "lead_time"]


def test_swap_holiday_consecutive_handover_and_supervisor():
    """STF-04, STF-06, STF-07, STF-09: no swap on holiday duty, none on a neighbouring day, a
    handover note that is not blank, and the requester's direct supervisor approves."""
    assert swap_failed(holiday_duty=True) == ["holiday_duty"]
    assert swap_failed(adjacent_swap=True) == ["no_consecutive"]
    assert swap_failed(handover_note="  ") == ["handover_note"]
    assert swap_failed(has_supervisor=False) == ["direct_supervisor"]
    assert swap_failed(approver_is_direct_supervisor=True) == []
    assert swap_failed(has_supervisor=False, approver_is_direct_supervisor=True) == []
    assert swap_failed(approver_is_direct_supervisor=False) == ["direct_supervisor"]
    requesting = by_code(swap_check(has_supervisor=False))["direct_supervisor"]
    approving = by_code(swap_check(approver_is_direct_supervisor=False))["direct_supervisor"]
    assert requesting.message_en == "You have no direct supervisor to approve the swap."
    assert approving.message_en == "Only the requester's direct supervisor may approve this swap."


# --- scoring ------------------------------------------------------------------------------------
def test_month_of_uses_the_given_zone_and_refuses_naive():
    """SCR-01: the month is taken on the given wall clock (not the process's); a naive datetime
    is refused."""
    moment = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)  # 31 March 22:00 in New York
    assert month_of(moment, tz="America/New_York") == date(2026, 3, 1)
    assert month_of(moment) == date(2026, 4, 1)
    with pytest.raises(ValueError, match="^naive datetime$"):
        month_of(datetime(2026, 1, 1))


def test_appeal_window_includes_its_last_second():
    """SCR-09: an event may be appealed until exactly ``appeal_days`` after it was recorded,
    not one second later."""
    recorded = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
    deadline = datetime(2026, 3, 23, 10, 0, tzinfo=UTC)
    assert appeal_deadline(recorded, 3) == deadline
    assert appeal_in_time(recorded, 3, deadline) is True
    assert appeal_in_time(recorded, 3, deadline + dt.timedelta(seconds=1)) is False
    assert appeal_in_time(recorded, 3, recorded) is True


def test_next_month_is_the_first_day():
    """SCR-04: the following month starts on its first day (December rolls into January)."""
    assert next_month(date(2026, 3, 1)) == date(2026, 4, 1)
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)


def test_tiers_check_equal_ceiling_and_floor():
    """SCR-02: a tier whose ceiling equals its floor is reported."""
    assert tiers_check([Tier(90, 90, Decimal("10"))]) == ["90-90: ceiling must be above floor"]


def test_line_figures_sums_every_fine_and_award():
    """SCR-01, SCR-06: every cash fine and every cash award of the month is summed; a small
    positive amount is an award, not a fine."""
    events = [
        EventFacts(0, Decimal("-30")),
        EventFacts(0, Decimal("-50")),
        EventFacts(0, Decimal("20")),
        EventFacts(0, Decimal("0.5")),
    ]
    line = line_figures(events, TIERS, Amounts())
    assert (line.cash_fines, line.cash_awards) == (Decimal("80"), Decimal("20.5"))
    assert line.dismissal is False


def test_line_from_totals_keeps_points_total_and_dismissal():
    """SCR-01, SCR-02: the line keeps the month's point total; a score below 60 is a dismissal,
    a score of 90 is not."""
    line = line_from_totals(2, -10, Decimal("0"), Decimal("0"), False, TIERS, Amounts())
    assert (line.points_total, line.final_score, line.dismissal) == (-10, 90, False)
    low = line_from_totals(5, -41, Decimal("0"), Decimal("0"), False, TIERS, Amounts())
    assert (low.points_total, low.final_score, low.dismissal) == (-41, 59, True)


def test_supervisor_bonus_needs_half_the_team_exactly():
    """SCR-05: 50 of a 101-person team at full marks is less than half: no bonus; 51 is enough."""
    below_half = [100] * 50 + [99] * 51
    assert supervisor_team_result(below_half, Amounts()) == (Decimal("0"), Decimal("0"))
    half = [100] * 51 + [99] * 50
    assert supervisor_team_result(half, Amounts()) == (Decimal("100"), Decimal("0"))


def test_apply_supervisor_result_updates_the_net_amount():
    """SCR-05: the supervisor's bonus is added to and the fine taken from the net amount."""
    line = LineFigures(
        attendance_bonus=Decimal("100"),
        performance_bonus=Decimal("200"),
        award=Decimal("0"),
        cash_awards=Decimal("0"),
        deduction=Decimal("0"),
        cash_fines=Decimal("0"),
    )
    apply_supervisor_result(line, Decimal("100"), Decimal("30"))
    assert (line.supervisor_bonus, line.supervisor_fine) == (Decimal("100"), Decimal("30"))
    assert line.net_amount == Decimal("370")
    assert line.fines_to_fund == Decimal("30")
