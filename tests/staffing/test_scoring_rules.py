"""The tier arithmetic and the month's figures as pure functions (no database)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffing.rules.scoring import (
    Amounts,
    EventFacts,
    Tier,
    is_dismissal,
    line_figures,
    month_of,
    payday_for,
    previous_month,
    supervisor_team_result,
    tier_deduction,
    tiers_check,
)

TIERS = [
    Tier(100, 90, Decimal("10")),
    Tier(90, 80, Decimal("20")),
    Tier(80, 70, Decimal("30")),
    Tier(70, 60, Decimal("40")),
    Tier(60, 0, Decimal("40"), dismissal=True),
]


@pytest.mark.parametrize(
    ("score", "deduction", "dismissal"),
    [
        (111, "0", False),
        (110, "0", False),
        (100, "0", False),
        (99, "10", False),
        (90, "100", False),
        (89, "120", False),
        (85, "200", False),
        (80, "300", False),
        (70, "600", False),
        (60, "1000", False),
        (59, "1040", True),
        (0, "3400", True),
        (-5, "3400", True),
    ],
)
def test_tier_deduction_on_every_boundary(score, deduction, dismissal):
    """SCR-02: 100–90 → 10 yuan a point, 90–80 → 20, 80–70 → 30, 70–60 → 40, below 60 →
    dismissal; 85 points → 10×10 + 5×20 = 200 yuan; 110 and above cost nothing."""
    assert tier_deduction(score, TIERS) == Decimal(deduction)
    assert is_dismissal(score, TIERS) is dismissal


@given(st.integers(min_value=-50, max_value=200), st.integers(min_value=0, max_value=60))
def test_deduction_never_decreases_as_the_score_falls(score, drop):
    """SCR-02: property: a lower score never costs less, and costs at least 10 yuan per point
    lost below 100."""
    higher, lower = tier_deduction(score, TIERS), tier_deduction(score - drop, TIERS)
    assert lower >= higher
    if score <= 100 and score - drop >= 0:
        assert lower - higher >= 10 * drop


@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.decimals(min_value=0, max_value=100, places=0)),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=0, max_value=150),
    st.integers(min_value=1, max_value=40),
)
def test_deduction_monotone_for_any_valid_tier_table(widths_rates, score, drop):
    """SCR-02: property: for any non-overlapping tier table with non-negative rates (ops may edit
    it), the deduction never decreases as the score falls."""
    tiers, ceiling = [], 100
    for width, rate in widths_rates:
        tiers.append(Tier(ceiling, max(ceiling - width, 0), rate))
        ceiling = max(ceiling - width, 0)
        if ceiling == 0:
            break
    tiers = [t for t in tiers if t.ceiling > t.floor]
    assert tiers_check(tiers) == []
    assert tier_deduction(score - drop, tiers) >= tier_deduction(score, tiers)


def test_tiers_check_reports_overlaps_and_negative_rates():
    """SCR-02: an edited tier table that overlaps or has a negative rate is reported."""
    bad = [Tier(100, 85, Decimal("10")), Tier(90, 80, Decimal("-1"))]
    assert tiers_check(bad) == ["90-80: negative rate", "100-85 overlaps 90-80"]


def test_line_figures_bonuses_award_and_fines():
    """SCR-01/SCR-03/SCR-04: start at 100; 100 yuan attendance bonus unless a rule cost it; the
    200 yuan performance bonus; 100 yuan at 110 or more; cash fines deducted."""
    amounts = Amounts()
    clean = line_figures([], TIERS, amounts)
    assert (clean.final_score, clean.attendance_bonus, clean.performance_bonus) == (
        100,
        Decimal("100"),
        Decimal("200"),
    )
    assert clean.net_amount == Decimal("300")
    top = line_figures([EventFacts(5), EventFacts(5)], TIERS, amounts)
    assert (top.final_score, top.award, top.net_amount) == (110, Decimal("100"), Decimal("400"))
    nearly = line_figures([EventFacts(5), EventFacts(4)], TIERS, amounts)
    assert (nearly.final_score, nearly.award) == (109, Decimal("0"))
    fined = line_figures(
        [EventFacts(0, Decimal("-30"), True), EventFacts(-3), EventFacts(0, Decimal("50"))],
        TIERS,
        amounts,
    )
    assert (fined.final_score, fined.deduction, fined.attendance_bonus) == (
        97,
        Decimal("30"),
        Decimal("0"),
    )
    assert (fined.cash_fines, fined.cash_awards, fined.event_count) == (
        Decimal("30"),
        Decimal("50"),
        3,
    )
    # 0 + 200 + 50 − 30 − 30
    assert fined.net_amount == Decimal("190")
    assert fined.fines_to_fund == Decimal("60")


@pytest.mark.parametrize(
    ("scores", "bonus", "fine"),
    [
        ([100, 100, 99, 99], "100", "0"),  # exactly half at full marks
        ([100, 99, 99], "0", "0"),  # a third
        ([110, 100, 59, 90], "100", "100"),  # both at once
        ([99, 59], "0", "100"),
        ([60, 60], "0", "0"),  # 60 is not below 60
        ([], "0", "0"),
    ],
)
def test_supervisor_team_bonus_and_fine(scores, bonus, fine):
    """SCR-05: the supervisor gets 100 yuan if half or more of the department reach full marks
    (≥100) and is fined 100 yuan if anyone is below 60."""
    assert supervisor_team_result(scores, Amounts()) == (Decimal(bonus), Decimal(fine))


def test_month_of_uses_shanghai_and_payday_clamps():
    """SCR-01/SCR-04: the month an event counts in is the Shanghai month; payday (day of the
    following month) is clamped to the month's end."""
    assert month_of(datetime(2026, 1, 31, 16, 0, tzinfo=UTC)) == date(2026, 2, 1)
    assert month_of(datetime(2026, 1, 31, 15, 59, tzinfo=UTC)) == date(2026, 1, 1)
    assert month_of(date(2026, 5, 17)) == date(2026, 5, 1)
    assert payday_for(date(2026, 1, 1), 31) == date(2026, 2, 28)
    assert payday_for(date(2026, 12, 1), 10) == date(2027, 1, 10)
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    with pytest.raises(ValueError):
        month_of(datetime(2026, 1, 1))
