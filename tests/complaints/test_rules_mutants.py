"""Boundary tests for ``complaints.rules`` that kill the mutants the rule tests let survive.

Each test pins one number, comparison or default of the deadline arithmetic exactly.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from complaints import rules

SH = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
SAME_DAY_BOTH = rules.Policy(response_same_day=True, resolution_same_day=True)


def test_end_of_local_day_uses_the_given_zone_not_the_process_zone():
    """CMP-05: "the same day" is the complaint's local day: 23:30 in London is already the next
    day in Shanghai, but the London deadline is London's midnight."""
    moment = dt.datetime(2026, 3, 2, 23, 30, tzinfo=LONDON)
    assert rules.end_of_local_day(moment, "Europe/London") == dt.datetime(
        2026, 3, 3, 0, 0, tzinfo=LONDON
    )


def test_same_day_deadline_defaults_to_shanghai_and_honours_the_cutoff():
    """CMP-05: a same-day answer is due at the next local midnight in Asia/Shanghai by default;
    received at or after the cut-off it moves to the midnight after."""
    assert rules.milestone_deadline(T0, None, True) == dt.datetime(2026, 3, 3, tzinfo=SH)
    late = dt.datetime(2026, 3, 2, 17, 0, tzinfo=SH)
    assert rules.milestone_deadline(late, None, True, cutoff=dt.time(17, 0)) == dt.datetime(
        2026, 3, 4, tzinfo=SH
    )
    assert rules.milestone_deadline(late, None, True, cutoff=dt.time(17, 1)) == dt.datetime(
        2026, 3, 3, tzinfo=SH
    )


def test_deadlines_pass_zone_and_cutoff_to_both_milestones():
    """CMP-05: both same-day milestones use the given zone and the cut-off; the solution
    deadline is pushed back by the pause, the response one is not."""
    after_cutoff = dt.datetime(2026, 3, 2, 18, 0, tzinfo=LONDON)
    respond, resolve = rules.deadlines(
        SAME_DAY_BOTH,
        after_cutoff,
        paused_seconds=60,
        tz="Europe/London",
        cutoff=dt.time(17, 0),
    )
    assert respond == dt.datetime(2026, 3, 4, 0, 0, tzinfo=LONDON)
    assert resolve == dt.datetime(2026, 3, 4, 0, 1, tzinfo=LONDON)


def test_deadlines_default_zone_is_shanghai():
    """CMP-05: without a zone the deadlines are Shanghai midnights."""
    assert rules.deadlines(SAME_DAY_BOTH, T0) == (
        dt.datetime(2026, 3, 3, tzinfo=SH),
        dt.datetime(2026, 3, 3, tzinfo=SH),
    )


def test_allowed_seconds_exact():
    """CMP-03: the active time granted is exactly deadline minus start minus pauses; no
    deadline grants nothing; never negative, and zero when the deadline is the start."""
    assert rules.allowed_seconds(T0, T0 + dt.timedelta(minutes=1)) == 60
    assert rules.allowed_seconds(T0, None) == 0
    assert rules.allowed_seconds(T0, T0) == 0
    assert rules.allowed_seconds(T0, T0 + dt.timedelta(seconds=10), paused_seconds=20) == 0


def test_warning_at_boundaries():
    """CMP-03: a warning exists for any positive allowed time (even one second) and falls at
    whole seconds (integer division of the remaining time)."""
    deadline = T0 + dt.timedelta(hours=1)
    assert rules.warning_at(deadline, 1, 80) == deadline
    assert rules.warning_at(deadline, 0, 80) is None
    assert rules.warning_at(deadline, 1001, 50) == deadline - dt.timedelta(seconds=500)


def test_percentage_and_average_round_half_up():
    """CMP-12, CMP-13: rates and averages are rounded half up to two decimals; a whole of one
    still measures."""
    assert rules.percentage(1, 1) == Decimal("100.00")
    assert rules.percentage(0, 0) is None
    assert rules.percentage(1, 32) == Decimal("3.13")  # 3.125
    assert rules.average([1, 0, 0, 0, 0, 0, 0, 0]) == Decimal("0.13")  # 0.125
