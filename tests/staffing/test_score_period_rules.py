"""SCR-01, SCR-04: the score period's arithmetic, pure (issue 13 point 17, partly: not yet used to
date events; see the branch report)."""

from datetime import date

from staffing.rules.scoring import period_bounds, period_of


def test_period_runs_from_payday_to_the_day_before_the_next_payday():
    """SCR-04: with payday on the 10th, March's period is 10 March – 9 April; with payday on the
    31st it clamps to the month's end (28 February 2026); payday on the 1st is the calendar
    month."""
    assert period_bounds(date(2026, 3, 1), 10) == (date(2026, 3, 10), date(2026, 4, 9))
    assert period_bounds(date(2026, 3, 1), 31) == (date(2026, 3, 31), date(2026, 4, 29))
    assert period_bounds(date(2026, 2, 1), 31) == (date(2026, 2, 28), date(2026, 3, 30))
    assert period_bounds(date(2026, 3, 1), 1) == (date(2026, 3, 1), date(2026, 3, 31))
    assert period_bounds(date(2026, 12, 1), 10) == (date(2026, 12, 10), date(2027, 1, 9))


def test_a_day_belongs_to_the_period_started_by_the_last_payday():
    """SCR-01, SCR-04: 9 April is still March's period, payday 10 April starts April's at 100
    points; 5 January 2027 belongs to December 2026's."""
    assert period_of(date(2026, 4, 9), 10) == date(2026, 3, 1)
    assert period_of(date(2026, 4, 10), 10) == date(2026, 4, 1)
    assert period_of(date(2027, 1, 5), 10) == date(2026, 12, 1)
    assert period_of(date(2026, 3, 31), 1) == date(2026, 3, 1)
