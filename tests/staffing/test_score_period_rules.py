"""SCR-01, SCR-04: the score period's arithmetic, pure (issue 13 point 17; the dating of events,
pages and jobs is in test_score_period_dating.py)."""

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


def test_a_moved_payday_moves_the_boundary_both_ways():
    """SCR-04: March's payday moved to 8 April: 7 April is March's last day, 8 April April's
    first; moved to 12 April: 11 April is still March's, 12 April April's; April then runs to
    the day before its own (default) payday, 9 May; nothing moved is ``period_of``."""
    from datetime import date

    from staffing.rules.scoring import period_containing, period_span

    early, late = {date(2026, 3, 1): date(2026, 4, 8)}, {date(2026, 3, 1): date(2026, 4, 12)}
    assert period_containing(date(2026, 4, 7), 10, early) == date(2026, 3, 1)
    assert period_containing(date(2026, 4, 8), 10, early) == date(2026, 4, 1)
    assert period_containing(date(2026, 4, 11), 10, late) == date(2026, 3, 1)
    assert period_containing(date(2026, 4, 12), 10, late) == date(2026, 4, 1)
    assert period_containing(date(2026, 3, 9), 10, {date(2026, 3, 1): None}) == date(2026, 2, 1)
    assert period_span(date(2026, 4, 1), 10, early) == (date(2026, 4, 8), date(2026, 5, 9))
    assert period_span(date(2026, 3, 1), 10, late) == (date(2026, 3, 10), date(2026, 4, 11))
    assert period_span(date(2026, 12, 1), 10) == (date(2026, 12, 10), date(2027, 1, 9))
