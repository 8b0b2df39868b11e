"""Reads of the 100-point scoring (SCR-01..09): the ledger of a month, the policy and tier
table as the pure rules take them, settlements, their lines, open appeals and the fund."""

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from staffing.models import (
    Department,
    Employee,
    FundEntry,
    ScoreAppeal,
    ScoreEvent,
    ScoreTier,
    ScoringPolicy,
    Settlement,
)
from staffing.models.scoring import AppealState, EventKind
from staffing.rules import scoring as rules


def policy_amounts(policy: ScoringPolicy) -> rules.Amounts:
    return rules.Amounts(
        start_points=policy.start_points,
        attendance_bonus=policy.attendance_bonus,
        performance_bonus=policy.performance_bonus,
        award_threshold=policy.award_threshold,
        award_amount=policy.award_amount,
        team_full_marks=policy.team_full_marks,
        team_share_percent=policy.team_share_percent,
        supervisor_bonus=policy.supervisor_bonus,
        supervisor_fine=policy.supervisor_fine,
        supervisor_fine_below=policy.supervisor_fine_below,
    )


def tiers_current() -> list[rules.Tier]:
    return [
        rules.Tier(t.ceiling, t.floor, t.yuan_per_point, t.dismissal)
        for t in ScoreTier.objects.order_by("-ceiling")
    ]


def score_events(employee_ids, month: date) -> list[ScoreEvent]:
    """The month's ledger rows of these people, oldest first; each has ``is_reversed``."""
    events = list(
        ScoreEvent.objects.filter(employee_id__in=employee_ids, month=month)
        .select_related("rule", "employee", "recorded_by")
        .order_by("occurred_at", "pk")
    )
    reversed_ids = {e.reverses_id for e in events if e.kind == EventKind.REVERSAL}
    for event in events:
        event.is_reversed = event.pk in reversed_ids
    return events


def running_line(events: list[ScoreEvent], policy: ScoringPolicy) -> rules.LineFigures:
    """SCR-01..04: the month's figures so far from ``score_events`` rows; as on the sheet, only
    recorded events that are not reversed count."""
    live = [
        rules.EventFacts(e.points, e.cash, e.costs_attendance_bonus)
        for e in events
        if e.kind == EventKind.RECORD and not e.is_reversed
    ]
    return rules.line_figures(live, tiers_current(), policy_amounts(policy))


def with_employees(lines: list) -> list:
    """Sheet lines (saved or not) with their ``employee`` attached, by employee number."""
    people = Employee.objects.in_bulk([line.employee_id for line in lines])
    for line in lines:
        line.employee = people[line.employee_id]
    return sorted(lines, key=lambda line: line.employee.number)


def board_departments():
    """The departments the board's picker offers."""
    return Department.objects.filter(is_active=True)


def settlement_find(department_id: int, month: date) -> Settlement | None:
    return Settlement.objects.filter(department_id=department_id, month=month).first()


def settlement_with_department(pk: int) -> Settlement | None:
    return Settlement.objects.select_related("department").filter(pk=pk).first()


def settlement_lines(settlement: Settlement):
    return settlement.lines.select_related("employee").order_by("employee__number")


def settlement_line_of(settlement: Settlement, employee_id: int):
    return settlement.lines.select_related("employee").filter(employee_id=employee_id).first()


def open_appeals(department_id: int, month: date):
    return ScoreAppeal.objects.filter(
        employee__department_id=department_id, month=month, state=AppealState.OPEN
    )


def fund_balance(department_id: int) -> Decimal:
    """SCR-06: what the department's activity fund holds (fines in, spending out)."""
    total = FundEntry.objects.filter(department_id=department_id).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")
