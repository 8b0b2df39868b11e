"""SCR-04, SCR-07: the score period and its settlement (issue 13 points 17 and 21)."""

from datetime import date

import pytest
import time_machine

from staffing.models import Position
from staffing.models.scoring import SettlementState
from staffing.rules.scoring import settle_from, settlement_early
from staffing.services.scoring import ScoringError
from staffing.services.settlement import settlement_approve, settlement_get, settlement_submit
from tests.factories import DepartmentFactory
from tests.staffing.scoring_factories import (
    EmployeeFactory,
    at,
    fast_passwords,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)


def test_settlement_day_is_the_day_before_payday():
    """SCR-04: "每月发工资前一天由部门主管结算分数": with payday on 10 April the period is settled
    from 9 April; 8 April is too early; a payday on 1 March is settled from 28 February."""
    assert settle_from(date(2026, 4, 10)) == date(2026, 4, 9)
    assert settle_from(date(2026, 3, 1)) == date(2026, 2, 28)
    assert settlement_early(date(2026, 4, 8), date(2026, 4, 10)) is True
    assert settlement_early(date(2026, 4, 9), date(2026, 4, 10)) is False
    assert settlement_early(date(2026, 4, 12), date(2026, 4, 10)) is False


@pytest.fixture
def dept():
    department = DepartmentFactory()
    ops = DepartmentFactory(code="operations", name="运营部")
    manager = EmployeeFactory(department=ops, position=Position.MANAGER, number="M1")
    boss = EmployeeFactory(department=department, position=Position.SUPERVISOR, number="S1")
    EmployeeFactory(department=department, supervisor=boss, number="E1")
    return department, boss, manager


def test_approval_before_the_day_before_payday_is_refused(dept):
    """SCR-04, SCR-07 (issue 13 point 21): the March sheet (payday 10 April) submitted on 8 April
    cannot be approved that day, with the date it can; on 9 April it is approved; a second
    (stale) approval says it was already approved, by whom and when."""
    department, boss, manager = dept
    with time_machine.travel(at(2026, 4, 8, 9), tick=False):
        settlement = settlement_submit(settlement_get(department, MARCH), user=boss.user)
        with pytest.raises(ScoringError) as early:
            settlement_approve(settlement, user=manager.user)
    assert early.value.messages == [
        "2026-03 can be settled from 2026-04-09, the day before payday (2026-04-10)."
    ]
    settlement.refresh_from_db()
    assert settlement.state == SettlementState.SETTLING
    with time_machine.travel(at(2026, 4, 9, 9), tick=False):
        assert settlement_approve(settlement, user=manager.user).state == SettlementState.SETTLED
        with pytest.raises(ScoringError) as again:
            settlement_approve(settlement, user=manager.user)
    assert again.value.messages == [
        f"This month was already approved by {manager.user.get_username()} at 2026-04-09 09:00."
    ]


def test_an_edited_payday_moves_the_settlement_day(dept):
    """SCR-04: payday is editable per month: moved to 8 April, the sheet is approved on 7 April."""
    department, boss, manager = dept
    settlement = settlement_get(department, MARCH)
    settlement.payday = date(2026, 4, 8)
    settlement.save(update_fields=["payday"])
    with time_machine.travel(at(2026, 4, 7, 9), tick=False):
        settlement = settlement_submit(settlement, user=boss.user)
        assert settlement_approve(settlement, user=manager.user).state == SettlementState.SETTLED
