from datetime import date
from decimal import Decimal

import pytest
import time_machine

from staffing.models import FundEntry, Position, ScoreEvent, Settlement, SettlementLine
from staffing.models.scoring import FundKind, SettlementState
from staffing.services.scoring import (
    MonthFrozen,
    ScoringError,
    appeal_decide,
    appeal_file,
    score_event_record,
    score_event_reverse,
)
from staffing.services.settlement import (
    fund_balance,
    settlement_approve,
    settlement_blockers,
    settlement_compute,
    settlement_get,
    settlement_reopen,
    settlement_submit,
)
from tests.factories import DepartmentFactory
from tests.staffing.scoring_factories import (
    EmployeeFactory,
    UserFactory,
    at,
    fast_passwords,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)


def _record(employee, code, day, times=1, **kwargs):
    return [
        score_event_record(
            employee=employee, rule_code=code, source=None, occurred_at=at(2026, 3, day), **kwargs
        )
        for _ in range(times)
    ]


@pytest.fixture
def team():
    """A small customer-service department with a hand-checked March period (10 March to 9
    April, payday on the 10th: see the test below)."""
    with time_machine.travel(at(2026, 3, 31, 20), tick=False):
        return _team()


def _team():
    dept = DepartmentFactory()
    ops = DepartmentFactory(code="operations", name="运营部")
    manager = EmployeeFactory(department=ops, position=Position.MANAGER, number="M1")
    boss = EmployeeFactory(department=dept, position=Position.SUPERVISOR, number="S1")
    people = {"S": boss, "M": manager}
    for n in range(1, 7):
        people[f"E{n}"] = EmployeeFactory(
            department=dept, supervisor=boss, number=f"E{n}", daily_wage=Decimal("200")
        )
    e = people
    _record(e["E2"], "G5", 13)  # −3
    _record(e["E2"], "G9", 14)  # −1
    _record(e["E2"], "G1", 15)  # 30 yuan, loses the attendance bonus
    _record(e["E3"], "G11", 16)  # +5
    _record(e["E3"], "G6", 17, points=12)  # +12
    _record(e["E4"], "G15", 18, times=3)  # −15
    _record(e["E5"], "G15", 19, times=8)  # −40
    _record(e["E5"], "G9", 20)  # −1
    _record(e["E5"], "G4", 21)  # one day's wage (200), loses the attendance bonus
    source = UserFactory()
    score_event_record(employee=e["E6"], rule_code="G2", source=source, occurred_at=at(2026, 3, 22))
    score_event_reverse(rule_code="G2", source=source, reason="the swap was approved after all")
    _record(boss, "S2", 23)  # −3
    # SCR-04: payday (10 April) starts April's period: it does not count in March's.
    with time_machine.travel(at(2026, 4, 10, 12), tick=False):
        score_event_record(
            employee=e["E1"], rule_code="G15", source=None, occurred_at=at(2026, 4, 10)
        )
    return dept, people


def _lines(settlement):
    return {
        line.employee.number: line
        for line in SettlementLine.objects.filter(settlement=settlement).select_related("employee")
    }


@time_machine.travel(at(2026, 4, 9, 9), tick=False)
def test_worked_month_for_a_small_department(team):
    """SCR-01/SCR-02/SCR-03/SCR-04/SCR-05/SCR-06/SCR-07: a hand-checked March.

    score: E1 100, E2 96, E3 117, E4 85, E5 59, E6 100 (G2 reversed), supervisor 97.
    E2: 4 points × 10 = 40 deducted, 30 yuan fine, no attendance bonus: 0 + 200 − 40 − 30 = 130.
    E3: 117 ≥ 110 → 100 award: 100 + 200 + 100 = 400.
    E4: 85 → 10×10 + 5×20 = 200: 100 + 200 − 200 = 100.
    E5: 59 → 100+200+300+400 + 1×40 = 1040, dismissal, G4 fine 200, no attendance bonus:
        0 + 200 − 1040 − 200 = −1040.
    E6: reversal gives the attendance bonus back: 300.
    Supervisor: 97 → 30; team ≥100: E1, E3, E6 = 3 of 6 = half → +100; E5 < 60 → −100:
        100 + 200 − 30 + 100 − 100 = 270.
    Fund: deductions 40+200+1040+30 = 1310, cash fines 30+200 = 230, supervisor fine 100: 1640.
    """
    dept, e = team
    settlement = settlement_get(dept, MARCH)
    assert settlement.payday == date(2026, 4, 10)
    settlement = settlement_submit(settlement, user=e["S"].user)
    assert settlement.state == SettlementState.SETTLING
    lines = _lines(settlement)
    assert {k: v.final_score for k, v in lines.items()} == {
        "S1": 97, "E1": 100, "E2": 96, "E3": 117, "E4": 85, "E5": 59, "E6": 100,
    }  # fmt: skip
    assert {k: v.net_amount for k, v in lines.items()} == {
        "S1": Decimal("270"), "E1": Decimal("300"), "E2": Decimal("130"), "E3": Decimal("400"),
        "E4": Decimal("100"), "E5": Decimal("-1040"), "E6": Decimal("300"),
    }  # fmt: skip
    e2, e5, s = lines["E2"], lines["E5"], lines["S1"]
    assert (e2.deduction, e2.cash_fines, e2.attendance_bonus, e2.event_count) == (
        Decimal("40"), Decimal("30"), Decimal("0"), 3,
    )  # fmt: skip
    assert (e5.deduction, e5.dismissal, e5.cash_fines) == (Decimal("1040"), True, Decimal("200"))
    assert lines["E3"].award == Decimal("100")
    assert lines["E4"].deduction == Decimal("200")
    assert (lines["E6"].attendance_bonus, lines["E6"].event_count) == (Decimal("100"), 0)
    assert (s.is_supervisor, s.supervisor_bonus, s.supervisor_fine) == (
        True, Decimal("100"), Decimal("100"),
    )  # fmt: skip
    assert sum(1 for line in lines.values() if line.dismissal) == 1

    settlement = settlement_approve(settlement, user=e["M"].user)
    assert settlement.state == SettlementState.SETTLED
    assert (settlement.submitted_by, settlement.approved_by) == (e["S"].user, e["M"].user)
    assert fund_balance(dept.pk) == Decimal("1640")
    by_kind = {}
    for entry in FundEntry.objects.filter(settlement=settlement):
        by_kind[entry.kind] = by_kind.get(entry.kind, 0) + entry.amount
    assert by_kind == {
        FundKind.TIER_DEDUCTION: Decimal("1310"),
        FundKind.CASH_FINE: Decimal("230"),
        FundKind.SUPERVISOR_FINE: Decimal("100"),
    }


@time_machine.travel(at(2026, 4, 9, 9), tick=False)
def test_settled_month_cannot_change_and_next_month_starts_at_100(team):
    """SCR-04/SCR-01: once approved, March is frozen: no event, reversal, appeal, recompute or
    reopen changes it; April starts at 100 for everyone."""
    dept, e = team
    settlement = settlement_submit(settlement_get(dept, MARCH), user=e["S"].user)
    settlement = settlement_approve(settlement, user=e["M"].user)
    before = {k: (v.final_score, v.net_amount) for k, v in _lines(settlement).items()}
    with pytest.raises(MonthFrozen):
        _record(e["E1"], "G9", 20)
    march_event = ScoreEvent.objects.filter(employee=e["E2"], month=MARCH).first()
    with pytest.raises(MonthFrozen):
        appeal_file(event=march_event, user=e["E2"].user, reason="not me")
    with pytest.raises(ScoringError, match="reopened"):
        settlement_reopen(settlement, user=e["M"].user)
    assert settlement_compute(settlement).state == SettlementState.SETTLED
    # Issue 13 point 21: a stale second approval is told the month was already approved.
    with pytest.raises(ScoringError, match="already approved"):
        settlement_approve(settlement, user=e["M"].user)
    assert {k: (v.final_score, v.net_amount) for k, v in _lines(settlement).items()} == before
    assert FundEntry.objects.count() == 7
    assert Settlement.objects.get(pk=settlement.pk).history.count() == 4

    april = settlement_compute(settlement_get(dept, date(2026, 4, 1)))
    scores = {k: v.final_score for k, v in _lines(april).items()}
    assert scores == {"S1": 100, "E1": 95, "E2": 100, "E3": 100, "E4": 100, "E5": 100, "E6": 100}


@time_machine.travel(at(2026, 4, 9, 9), tick=False)
def test_running_settlement_twice_changes_nothing(team):
    """SCR-04: computing the sheet again, or running the daily job again, changes nothing."""
    from staffing.services.settlement import settlements_due_run

    dept, e = team
    assert settlements_due_run(date(2026, 4, 9)) == {"customer-service": "computed"}
    settlement = Settlement.objects.get(department=dept, month=MARCH)

    def snapshot():
        return sorted(
            SettlementLine.objects.filter(settlement=settlement).values_list(
                "pk",
                "employee__number",
                "final_score",
                "deduction",
                "net_amount",
                "supervisor_bonus",
            )
        )

    first = snapshot()
    assert settlements_due_run(date(2026, 4, 9)) == {"customer-service": "settling"}
    settlement_compute(settlement)
    assert snapshot() == first
    assert SettlementLine.objects.count() == 7
    settlement_submit(settlement, user=e["S"].user)
    settlement_approve(settlement, user=e["M"].user)
    assert settlements_due_run(date(2026, 4, 10)) == {"customer-service": "settled"}
    assert snapshot() == first
    assert FundEntry.objects.count() == 7


def test_daily_job_waits_for_the_day_before_an_editable_payday(team):
    """SCR-04: the job computes last month only from the day before payday; payday is editable
    per month (and by default in the policy)."""
    from staffing.services.settlement import settlements_due_run

    dept, _ = team
    assert settlements_due_run(date(2026, 4, 8)) == {"customer-service": "not due"}
    settlement = Settlement.objects.get(department=dept, month=MARCH)
    settlement.payday = date(2026, 4, 9)
    settlement.save(update_fields=["payday"])
    assert settlements_due_run(date(2026, 4, 8)) == {"customer-service": "computed"}
    assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.SETTLING


@time_machine.travel(at(2026, 4, 2, 9), tick=False)
def test_open_appeals_block_settlement(team):
    """SCR-09: an open appeal blocks computing and approving the month; the supervisor is
    notified; upholding it reverses the event (the employee is told), then the month settles."""
    dept, e = team
    event = ScoreEvent.objects.filter(employee=e["E2"], rule__code="G5").get()
    appeal = appeal_file(event=event, user=e["E2"].user, reason="the customer named someone else")
    from courier.models import Notification

    assert Notification.objects.get(recipient=e["S"].user).body == "the customer named someone else"
    settlement = settlement_get(dept, MARCH)
    with pytest.raises(ScoringError, match="1 appeal"):
        settlement_compute(settlement)
    assert settlement_blockers(settlement) == ["1 appeal(s) still open."]
    assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.OPEN
    with pytest.raises(ScoringError, match="supervisor or a manager"):
        appeal_decide(appeal=appeal, user=e["E3"].user, uphold=True)
    appeal_decide(appeal=appeal, user=e["S"].user, uphold=True, note="checked the chat")
    assert Notification.objects.get(recipient=e["E2"].user).body == "checked the chat"
    settlement = settlement_submit(settlement, user=e["S"].user)
    assert _lines(settlement)["E2"].final_score == 99
    # SCR-04 (issue 13 point 21): approval waits for the day before payday (10 April).
    with time_machine.travel(at(2026, 4, 9, 9), tick=False):
        assert settlement_approve(settlement, user=e["M"].user).state == SettlementState.SETTLED


@time_machine.travel(at(2026, 4, 1, 9), tick=False)
def test_appeal_window_and_who_may_appeal(team):
    """SCR-09: only the person concerned may appeal, within the policy's days (3 by default),
    once at a time; a rejected appeal leaves the event."""
    _, e = team
    event = ScoreEvent.objects.filter(employee=e["E2"], rule__code="G9").get()
    with pytest.raises(ScoringError, match="Only the person"):
        appeal_file(event=event, user=e["E3"].user, reason="x")
    from datetime import timedelta

    late = event.recorded_at + timedelta(days=3, seconds=1)
    with pytest.raises(ScoringError, match="within 3 days"):
        appeal_file(event=event, user=e["E2"].user, reason="x", now=late)
    appeal = appeal_file(event=event, user=e["E2"].user, reason="x")
    with pytest.raises(ScoringError, match="already has an open appeal"):
        appeal_file(event=event, user=e["E2"].user, reason="again")
    with pytest.raises(ScoringError, match="supervisor or a manager"):
        appeal_decide(appeal=appeal, user=e["E2"].user, uphold=True)
    rejected = appeal_decide(appeal=appeal, user=e["M"].user, uphold=False, note="seen on camera")
    assert (rejected.state, rejected.decided_by) == ("rejected", e["M"].user)
    assert not ScoreEvent.objects.filter(reverses=event).exists()
    with pytest.raises(ScoringError, match="already decided"):
        appeal_decide(appeal=appeal, user=e["M"].user, uphold=True)


@time_machine.travel(at(2026, 4, 9, 9), tick=False)
def test_submission_and_approval_roles_and_stale_sheet(team):
    """SCR-07: only the department's supervisor submits, only a manager approves (not their own
    submission); an event recorded after submission makes the sheet stale until recomputed."""
    dept, e = team
    settlement = settlement_get(dept, MARCH)
    with pytest.raises(ScoringError, match="supervisor can submit"):
        settlement_submit(settlement, user=e["E1"].user)
    with pytest.raises(ScoringError, match="not submitted"):
        settlement_approve(settlement_compute(settlement), user=e["M"].user)
    with pytest.raises(ScoringError, match="Only a manager"):
        settlement_approve(settlement, user=e["S"].user)
    settlement = settlement_submit(settlement, user=e["S"].user)
    _record(e["E1"], "G9", 28)  # a late event while the sheet waits for approval
    assert "Events changed since the sheet was computed; compute it again." in settlement_blockers(
        Settlement.objects.get(pk=settlement.pk)
    )
    with pytest.raises(ScoringError, match="Events changed"):
        settlement_approve(settlement, user=e["M"].user)
    settlement = settlement_compute(settlement)
    assert settlement.submitted_at is None
    assert _lines(settlement)["E1"].final_score == 99
    settlement = settlement_submit(settlement, user=e["S"].user)
    settlement = settlement_approve(settlement, user=e["M"].user)
    assert settlement.state == SettlementState.SETTLED


@time_machine.travel(at(2026, 4, 9, 9), tick=False)
def test_reopen_returns_the_sheet_to_open(team):
    """SCR-07: the supervisor can take a sheet back to open (lines dropped) to fix it."""
    dept, e = team
    settlement = settlement_submit(settlement_get(dept, MARCH), user=e["S"].user)
    settlement = settlement_reopen(settlement, user=e["S"].user, note="forgot an event")
    assert (settlement.state, settlement.submitted_at, settlement.note) == (
        SettlementState.OPEN, None, "forgot an event",
    )  # fmt: skip
    assert SettlementLine.objects.filter(settlement=settlement).count() == 0
