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
    SettlementReopening,
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


# --- The score period (SCR-01, SCR-04: payday to the day before the next payday) -----------


def _paydays(department_id: int, labels) -> dict[date, date | None]:
    """The paydays set on the department's settlements of ``labels`` (moved by hand or
    defaulted when the row was opened)."""
    return dict(
        Settlement.objects.filter(department_id=department_id, month__in=list(labels)).values_list(
            "month", "payday"
        )
    )


def _around(label: date) -> list[date]:
    before = rules.previous_month(label)
    return [rules.previous_month(before), before, label, rules.next_month(label)]


def score_period_of(department_id: int, day: date, payday_day: int | None = None) -> date:
    """SCR-01/SCR-04: the label (first of a month) of the department's score period that
    ``day`` falls in: from a payday to the day before the next one, a payday moved on the
    settlement included. 2 queries (1 with ``payday_day`` given)."""
    if payday_day is None:
        payday_day = ScoringPolicy.current().payday_day
    guess = rules.period_of(day, payday_day)
    return rules.period_containing(day, payday_day, _paydays(department_id, _around(guess)))


def score_period_span(
    department_id: int, label: date, payday_day: int | None = None
) -> tuple[date, date]:
    """SCR-04: first and last day of the department's period ``label``."""
    if payday_day is None:
        payday_day = ScoringPolicy.current().payday_day
    paydays = _paydays(department_id, [rules.previous_month(label), label])
    return rules.period_span(label, payday_day, paydays)


def settlements_of_period(day: date, department_ids=None) -> dict[int, Settlement]:
    """SCR-04/07: each department's settlement of the score period ``day`` falls in (the
    period's payday may have been moved per department): 2 queries."""
    payday_day = ScoringPolicy.current().payday_day
    guess = rules.period_of(day, payday_day)
    qs = Settlement.objects.filter(month__in=_around(guess))
    if department_ids is not None:
        qs = qs.filter(department_id__in=list(department_ids))
    rows: dict[int, dict[date, Settlement]] = {}
    for settlement in qs:
        rows.setdefault(settlement.department_id, {})[settlement.month] = settlement
    found = {}
    for department_id, by_label in rows.items():
        paydays = {label: s.payday for label, s in by_label.items()}
        label = rules.period_containing(day, payday_day, paydays)
        if label in by_label:
            found[department_id] = by_label[label]
    return found


def settlement_find(department_id: int, month: date) -> Settlement | None:
    return Settlement.objects.filter(department_id=department_id, month=month).first()


def settlement_with_department(pk: int) -> Settlement | None:
    return Settlement.objects.select_related("department").filter(pk=pk).first()


def settlement_lines(settlement: Settlement):
    return settlement.lines.select_related("employee").order_by("employee__number")


def settlement_line_of(settlement: Settlement, employee_id: int):
    return settlement.lines.select_related("employee").filter(employee_id=employee_id).first()


def settlement_reopenings(settlement: Settlement) -> list[SettlementReopening]:
    """SCR-07: the month's reopening requests, newest first, with who asked and decided."""
    return list(
        settlement.reopenings.select_related("requested_by", "decided_by").order_by(
            "-requested_at", "-pk"
        )
    )


def settlement_reopening(pk: int) -> SettlementReopening | None:
    return (
        SettlementReopening.objects.select_related("settlement", "requested_by", "decided_by")
        .filter(pk=pk)
        .first()
    )


def open_appeals(department_id: int, month: date):
    return ScoreAppeal.objects.filter(
        employee__department_id=department_id, month=month, state=AppealState.OPEN
    )


def fund_balance(department_id: int) -> Decimal:
    """SCR-06: what the department's activity fund holds (fines in, spending out)."""
    total = FundEntry.objects.filter(department_id=department_id).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")
