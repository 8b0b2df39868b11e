from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from staffing.models import Employee, Position, ScoreEvent, ScoreRule
from staffing.models.scoring import EventKind
from staffing.services.scoring import (
    MonthFrozen,
    ScoringError,
    score_event_cancel,
    score_event_record,
    score_event_reverse,
)
from tests.staffing.scoring_factories import (
    EmployeeFactory,
    UserFactory,
    at,
    fast_passwords,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db

CATALOGUE = (
    [f"G{i}" for i in range(1, 17)]
    + ["S1", "S2", "S3", "P1", "P2", "P3", "P4"]
    + [f"A{i}" for i in range(1, 11)]
    + ["D1", "D2", "D3", "D4"]
)


def test_every_catalogue_rule_has_a_row():
    """SCR-08: every rule of the catalogue (G1–G16, S1–S3, P1–P4, A1–A10, D1–D4) is a seeded row
    with its points, money and flags."""
    codes = set(ScoreRule.objects.values_list("code", flat=True))
    assert set(CATALOGUE) <= codes
    assert len(CATALOGUE) == 37
    g = {r.code: r for r in ScoreRule.objects.all()}
    assert (g["G1"].cash_mode, g["G1"].cash_amount, g["G1"].costs_attendance_bonus) == (
        "fine",
        Decimal("30.00"),
        True,
    )
    assert (g["G2"].cash_amount, g["G2"].costs_attendance_bonus) == (Decimal("50.00"), True)
    assert (g["G3"].cash_amount, g["G3"].costs_attendance_bonus) == (Decimal("50.00"), False)
    assert g["G3b"].points == -2
    assert (g["G4"].cash_mode, g["G4"].costs_attendance_bonus) == ("fine_daily_wage", True)
    assert (g["G6"].points_min, g["G6"].points_max) == (3, 20)
    assert (g["G7"].points, g["G7"].first_offence_warning, g["G7"].may_dismiss) == (-3, True, True)
    expected = {
        "G5": -3, "G8": 2, "G9": -1, "G10": -3, "G11": 5, "G12": -3, "G13": 0, "G14": -2,
        "G15": -5, "G16": -3, "S1": -3, "S2": -3, "S3": -3, "P1": -2, "P2": -2, "P3": -2,
        "P4": -1, "A1": -1, "A2": -3, "A3": -2, "A4": -2, "A5": -2, "A6": -3, "A7": -1,
        "A8": -3, "A9": -3, "A10": -2, "D1": -2, "D2": -2, "D3": -2, "D4": -2,
    }  # fmt: skip
    assert {code: g[code].points for code in expected} == expected
    assert g["A4"].cash_mode == "fine_given"
    assert g["S1"].applies_to == ["supervisor", "platform_supervisor"]
    assert g["D1"].applies_to == ["printing"]
    assert all(g[code].description_zh and g[code].description_en for code in CATALOGUE)


def test_record_defaults_from_rule_and_month_in_shanghai():
    """SCR-01/SCR-04/SCR-09: an event takes its points and money from the rule, keeps who
    recorded it, why and its evidence, and counts in the score period of the Shanghai day it
    happened on (payday 10: from 10 April it is April's period)."""
    employee = EmployeeFactory()
    source, boss = UserFactory(), UserFactory()
    # 2026-04-09 16:30 UTC is already 10 April (payday) in Shanghai.
    event = score_event_record(
        employee=employee,
        rule_code="G5",
        source=source,
        occurred_at=datetime(2026, 4, 9, 16, 30, tzinfo=UTC),
        user=boss,
        reason="complaint verified",
        evidence="recording #12",
    )
    assert (event.points, event.cash, event.month) == (-3, Decimal("0"), date(2026, 4, 1))
    assert (event.recorded_by, event.reason, event.evidence) == (
        boss,
        "complaint verified",
        "recording #12",
    )
    assert event.source == source
    assert event.history.first().history_user == boss


def test_record_is_idempotent_per_rule_and_source():
    """SCR-09: a second call for the same (rule, source) returns the first event, writes nothing."""
    employee = EmployeeFactory()
    source = UserFactory()
    first = score_event_record(
        employee=employee, rule_code="G5", source=source, occurred_at=at(2026, 3, 5)
    )
    again = score_event_record(
        employee=employee, rule_code="G5", source=source, occurred_at=at(2026, 3, 6)
    )
    other_rule = score_event_record(
        employee=employee, rule_code="G16", source=source, occurred_at=at(2026, 3, 5)
    )
    assert again.pk == first.pk
    assert other_rule.pk != first.pk
    assert ScoreEvent.objects.count() == 2


def test_cash_rules_fixed_fine_daily_wage_and_given_amount():
    """SCR-08: G1 fines 30 yuan, G4 one day's average wage, A4 the freight given plus −2."""
    employee = EmployeeFactory(daily_wage=Decimal("180.50"))
    aftersales = EmployeeFactory(position=Position.AFTERSALES)
    g1 = score_event_record(
        employee=employee, rule_code="G1", source=None, occurred_at=at(2026, 3, 2)
    )
    g4 = score_event_record(
        employee=employee, rule_code="G4", source=None, occurred_at=at(2026, 3, 3)
    )
    a4 = score_event_record(
        employee=aftersales,
        rule_code="A4",
        source=None,
        occurred_at=at(2026, 3, 3),
        cash=Decimal("23"),
    )
    assert (g1.points, g1.cash, g1.costs_attendance_bonus) == (0, Decimal("-30.00"), True)
    assert (g4.points, g4.cash, g4.costs_attendance_bonus) == (0, Decimal("-180.50"), True)
    assert (a4.points, a4.cash) == (-2, Decimal("-23"))
    with pytest.raises(ScoringError, match="needs the amount"):
        score_event_record(
            employee=aftersales, rule_code="A4", source=None, occurred_at=at(2026, 3, 3)
        )


def test_g6_needs_points_in_range_or_cash():
    """SCR-08: G6 gives +3 to +20 points chosen by the recorder, or a cash award."""
    employee = EmployeeFactory()
    with pytest.raises(ScoringError, match="from 3 to 20"):
        score_event_record(
            employee=employee, rule_code="G6", source=None, occurred_at=at(2026, 3, 2)
        )
    with pytest.raises(ScoringError, match="not 21"):
        score_event_record(
            employee=employee, rule_code="G6", source=None, occurred_at=at(2026, 3, 2), points=21
        )
    ok = score_event_record(
        employee=employee, rule_code="G6", source=None, occurred_at=at(2026, 3, 2), points=12
    )
    cash = score_event_record(
        employee=employee,
        rule_code="G6",
        source=None,
        occurred_at=at(2026, 3, 2),
        cash=Decimal("50"),
    )
    assert (ok.points, ok.cash) == (12, Decimal("0"))
    assert (cash.points, cash.cash) == (0, Decimal("50"))
    assert ScoreEvent.objects.count() == 2


def test_g7_first_offence_in_a_month_is_a_warning():
    """SCR-08: G7 off-task: the first time in a month a warning (0 points), again −3; a new month
    starts with a warning again."""
    employee = EmployeeFactory()
    first = score_event_record(
        employee=employee, rule_code="G7", source=None, occurred_at=at(2026, 3, 2)
    )
    second = score_event_record(
        employee=employee, rule_code="G7", source=None, occurred_at=at(2026, 3, 9)
    )
    april = score_event_record(
        employee=employee, rule_code="G7", source=None, occurred_at=at(2026, 4, 1)
    )
    assert (first.is_warning, first.points) == (True, 0)
    assert (second.is_warning, second.points) == (False, -3)
    assert (april.is_warning, april.points) == (True, 0)


def test_bad_input_is_refused_with_a_clear_message():
    """SCR-08: unknown rule, wrong points, a future or naive time, a rule for another position:
    refused with a clear message, nothing saved."""
    agent = EmployeeFactory()
    with pytest.raises(ScoringError, match="no score rule X9"):
        score_event_record(employee=agent, rule_code="X9", source=None, occurred_at=at(2026, 3, 2))
    with pytest.raises(ScoringError, match="worth -3 points, not -5"):
        score_event_record(
            employee=agent, rule_code="G5", source=None, occurred_at=at(2026, 3, 2), points=-5
        )
    with pytest.raises(ScoringError, match="in the future"):
        score_event_record(employee=agent, rule_code="G5", source=None, occurred_at=at(2099, 1, 1))
    with pytest.raises(ScoringError, match="time zone"):
        score_event_record(
            employee=agent, rule_code="G5", source=None, occurred_at=datetime(2026, 3, 2, 10)
        )
    with pytest.raises(ScoringError, match="does not apply"):
        score_event_record(employee=agent, rule_code="D1", source=None, occurred_at=at(2026, 3, 2))
    assert ScoreEvent.objects.count() == 0


def test_reverse_appends_a_reversing_event_once():
    """SCR-09: a cancellation is a new event with the opposite points and money, in the same month,
    with who and why; reversing twice returns the same reversal; nothing is edited."""
    employee = EmployeeFactory()
    source, boss = UserFactory(), UserFactory()
    event = score_event_record(
        employee=employee, rule_code="G2", source=source, occurred_at=at(2026, 3, 15)
    )
    reversal = score_event_reverse(
        rule_code="G2", source=source, reason="swap was approved", user=boss
    )
    again = score_event_reverse(rule_code="G2", source=source, reason="again", user=boss)
    assert again.pk == reversal.pk
    assert (reversal.kind, reversal.points, reversal.cash, reversal.month) == (
        EventKind.REVERSAL,
        0,
        Decimal("50.00"),
        date(2026, 3, 1),
    )
    assert (reversal.reverses, reversal.recorded_by, reversal.reason) == (
        event,
        boss,
        "swap was approved",
    )
    event.refresh_from_db()
    assert (event.points, event.cash) == (0, Decimal("-50.00"))
    assert ScoreEvent.objects.count() == 2
    assert score_event_reverse(rule_code="G5", source=source, reason="x") is None
    with pytest.raises(ScoringError, match="reason"):
        score_event_cancel(event, reason=" ")
    with pytest.raises(ScoringError, match="cannot itself be reversed"):
        score_event_cancel(reversal, reason="undo")


def test_frozen_month_refuses_new_events_and_reversals(settled_march):
    """SCR-04: once a month is settled its ledger cannot change: recording or reversing into it
    raises MonthFrozen; the next month is open."""
    employee, event = settled_march
    with pytest.raises(MonthFrozen, match="2026-03 is already settled"):
        score_event_record(
            employee=employee, rule_code="G9", source=None, occurred_at=at(2026, 3, 20)
        )
    with pytest.raises(MonthFrozen):
        score_event_cancel(event, reason="too late")
    april = score_event_record(
        employee=employee, rule_code="G9", source=None, occurred_at=at(2026, 4, 10)
    )
    assert april.month == date(2026, 4, 1)


@pytest.fixture
def settled_march():
    from staffing.models import Settlement
    from staffing.models.scoring import SettlementState

    employee = EmployeeFactory()
    event = score_event_record(
        employee=employee, rule_code="G5", source=None, occurred_at=at(2026, 3, 15)
    )
    settlement = Settlement.objects.create(department=employee.department, month=date(2026, 3, 1))
    Settlement.objects.filter(pk=settlement.pk).update(state=SettlementState.SETTLED)
    assert Employee.objects.count() == 1
    return employee, event
