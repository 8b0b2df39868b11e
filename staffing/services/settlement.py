"""The settlement (SCR-02..07) of each score period (payday to the day before the next payday,
labelled by the first of the month it starts in): open → settling → settled, per department.

The sheet is computed in a fixed number of queries whatever the department's size: the ledger
is aggregated per employee in the database and the lines are written with one bulk insert.
"""

import hashlib
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Count, DecimalField, F, IntegerField, Max, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.errors import StateConflict
from staffing.models import (
    Department,
    Employee,
    FundEntry,
    ScoreEvent,
    ScoringPolicy,
    Settlement,
    SettlementLine,
)
from staffing.models.scoring import EventKind, FundKind, SettlementState
from staffing.rules import scoring as rules
from staffing.selectors import (
    DEPARTMENT_SUPERVISORS,
    NOT_IN_TEAM,
    fund_balance,
    open_appeals,
    policy_amounts,
    score_period_of,
    settlement_find,
    tiers_current,
    user_is_manager,
    user_supervises_department,
)
from staffing.selectors.access import user_may_compute_settlement
from staffing.services.scoring import ScoringError


class AlreadyApproved(StateConflict, ScoringError):
    """A second (stale) approval of something already approved: told who and when."""


MONEY = DecimalField(max_digits=12, decimal_places=2)


# --- Reading the month ----------------------------------------------------------------------


def settlement_get(department: Department, month: date) -> Settlement:
    """The department's settlement row for ``month`` (created open, with the default payday)."""
    month = month.replace(day=1)
    policy = ScoringPolicy.current()
    settlement, _created = Settlement.objects.get_or_create(
        department=department,
        month=month,
        defaults={"payday": rules.payday_for(month, policy.payday_day)},
    )
    return settlement


def _month_events(department_id: int, month: date):
    return ScoreEvent.objects.filter(employee__department_id=department_id, month=month)


def ledger_mark(department_id: int, month: date) -> str:
    """What the sheet depends on: the month's events, who is in the department, the tiers and
    the policy. A different mark means the sheet is stale."""
    agg = _month_events(department_id, month).aggregate(n=Count("id"), last=Max("id"))
    staff = Employee.objects.filter(department_id=department_id, is_active=True).aggregate(
        n=Count("id"), last=Max("id")
    )
    policy = policy_amounts(ScoringPolicy.current())
    basis = repr((staff, tiers_current(), policy))
    digest = hashlib.sha256(basis.encode()).hexdigest()[:16]
    return f"{agg['n']}:{agg['last'] or 0}:{digest}"


def settlement_blockers(settlement: Settlement) -> list[str]:
    """What stops the next step of this settlement, in words (empty when nothing does)."""
    blockers = []
    if settlement.state == SettlementState.SETTLED:
        return [_("The month is settled and frozen.")]
    appeals = open_appeals(settlement.department_id, settlement.month).count()
    if appeals:
        blockers.append(_("%(n)s appeal(s) still open.") % {"n": appeals})
    problems = rules.tiers_check(tiers_current())
    if problems:
        blockers.append(_("The tier table is inconsistent: %(p)s") % {"p": "; ".join(problems)})
    if settlement.state == SettlementState.SETTLING:
        if settlement.ledger_mark != ledger_mark(settlement.department_id, settlement.month):
            blockers.append(_("Events changed since the sheet was computed; compute it again."))
        if not settlement.submitted_at:
            blockers.append(_("The supervisor has not submitted the sheet yet."))
    return blockers


# --- Computing the sheet --------------------------------------------------------------------


def _aggregated(department_id: int, month: date) -> dict[int, rules.LineFigures]:
    """Per employee: the net points and money of the month's events (reversed ones left out)."""
    rows = (
        _month_events(department_id, month)
        .filter(kind=EventKind.RECORD, reversed_by__isnull=True)
        .values("employee_id")
        .annotate(
            n=Count("id"),
            points=Sum("points"),
            fines=Sum(
                Case(When(cash__lt=0, then=-F("cash")), default=Value(0), output_field=MONEY)
            ),
            awards=Sum(
                Case(When(cash__gt=0, then=F("cash")), default=Value(0), output_field=MONEY)
            ),
            lost=Max(
                Case(
                    When(costs_attendance_bonus=True, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
        )
        .order_by()
    )
    return {
        r["employee_id"]: (
            r["n"],
            r["points"] or 0,
            Decimal(r["fines"] or 0),
            Decimal(r["awards"] or 0),
            bool(r["lost"]),
        )
        for r in rows
    }


def sheet_build(department_id: int, month: date) -> list[SettlementLine]:
    """The month's lines (unsaved): every active employee of the department, and anyone else
    of the department with events that month."""
    policy = ScoringPolicy.current()
    amounts = policy_amounts(policy)
    tiers = tiers_current()
    facts = _aggregated(department_id, month)
    people = dict(
        Employee.objects.filter(department_id=department_id, is_active=True).values_list(
            "id", "position"
        )
    )
    missing = set(facts) - set(people)
    if missing:
        people.update(Employee.objects.filter(pk__in=missing).values_list("id", "position"))
    figures: dict[int, rules.LineFigures] = {}
    for employee_id in people:
        n, points, fines, awards, lost = facts.get(
            employee_id, (0, 0, Decimal(0), Decimal(0), False)
        )
        line = rules.line_from_totals(n, points, fines, awards, lost, tiers, amounts)
        figures[employee_id] = line
    team = [f.final_score for e, f in figures.items() if people[e] not in NOT_IN_TEAM]
    bonus, fine = rules.supervisor_team_result(team, amounts)
    lines = []
    for employee_id, f in figures.items():
        is_supervisor = people[employee_id] in DEPARTMENT_SUPERVISORS
        if is_supervisor:
            rules.apply_supervisor_result(f, bonus, fine)
        lines.append(
            SettlementLine(
                employee_id=employee_id,
                is_supervisor=is_supervisor,
                event_count=f.event_count,
                points_total=f.points_total,
                final_score=f.final_score,
                deduction=f.deduction,
                dismissal=f.dismissal,
                attendance_bonus=f.attendance_bonus,
                performance_bonus=f.performance_bonus,
                award=f.award,
                cash_fines=f.cash_fines,
                cash_awards=f.cash_awards,
                supervisor_bonus=f.supervisor_bonus,
                supervisor_fine=f.supervisor_fine,
                net_amount=f.net_amount,
            )
        )
    return lines


def _lock(settlement: Settlement) -> Settlement:
    return Settlement.objects.select_for_update().get(pk=settlement.pk)


def _save(settlement: Settlement, user, fields: list[str]) -> None:
    settlement._history_user = user
    settlement.save(update_fields=fields)


def _write_lines(settlement: Settlement, mark: str) -> None:
    lines = sheet_build(settlement.department_id, settlement.month)
    SettlementLine.objects.filter(settlement=settlement).delete()
    for line in lines:
        line.settlement = settlement
    SettlementLine.objects.bulk_create(lines)
    settlement.ledger_mark = mark
    settlement.computed_at = timezone.now()


def settlement_compute(settlement: Settlement, *, user=None) -> Settlement:
    """SCR-04: compute the month's sheet, moving an open month to settling.

    Re-running changes nothing: a settled month is left as it is, and a settling one is only
    rebuilt when its ledger, staff, tiers or policy changed. Refused while appeals are open.
    Only the department's supervisor or a manager computes (``user=None``: the daily job).
    """
    if user is not None and not user_may_compute_settlement(user, settlement.department_id):
        raise ScoringError(_("Only the department's supervisor or a manager computes the sheet."))
    with transaction.atomic():
        settlement = _lock(settlement)
        if settlement.state == SettlementState.SETTLED:
            return settlement
        appeals = open_appeals(settlement.department_id, settlement.month).count()
        if appeals:
            raise ScoringError(
                _("%(n)s appeal(s) are still open; decide them before settling.") % {"n": appeals}
            )
        problems = rules.tiers_check(tiers_current())
        if problems:
            raise ScoringError(
                _("The tier table is inconsistent: %(p)s") % {"p": "; ".join(problems)}
            )
        mark = ledger_mark(settlement.department_id, settlement.month)
        if settlement.state == SettlementState.SETTLING and settlement.ledger_mark == mark:
            return settlement
        fields = ["ledger_mark", "computed_at"]
        if settlement.state == SettlementState.OPEN:
            settlement.start()
            fields.append("state")
        _write_lines(settlement, mark)
        if settlement.submitted_at:
            settlement.submitted_at, settlement.submitted_by = None, None
            fields += ["submitted_at", "submitted_by"]
        _save(settlement, user, fields)
    return settlement


def settlement_submit(settlement: Settlement, *, user) -> Settlement:
    """SCR-07: the department's supervisor submits the month's sheet for approval."""
    if not user_supervises_department(user, settlement.department_id):
        raise ScoringError(_("Only the department's supervisor can submit its sheet."))
    settlement = settlement_compute(settlement, user=user)
    with transaction.atomic():
        settlement = _lock(settlement)
        if settlement.state != SettlementState.SETTLING:
            raise ScoringError(_("Only a sheet being settled can be submitted."))
        settlement.submitted_by, settlement.submitted_at = user, timezone.now()
        _save(settlement, user, ["submitted_by", "submitted_at"])
    return settlement


def settlement_approve(settlement: Settlement, *, user) -> Settlement:
    """SCR-04/06/07: a manager approves the submitted sheet; the month is frozen and every fine
    is credited to the department activity fund."""
    if not user_is_manager(user):
        raise ScoringError(_("Only a manager can approve a settlement."))
    with transaction.atomic():
        settlement = _lock(settlement)
        if settlement.state == SettlementState.SETTLED:
            # A second approval (a stale page, a double click) is told, not silently accepted.
            raise AlreadyApproved(
                _("This month was already approved by %(name)s at %(when)s.")
                % {"name": _who(settlement.approved_by), "when": _when(settlement.approved_at)}
            )
        payday = _payday(settlement)
        if rules.settlement_early(timezone.localdate(), payday):
            raise ScoringError(
                _("%(month)s can be settled from %(date)s, the day before payday (%(payday)s).")
                % {
                    "month": settlement.month.strftime("%Y-%m"),
                    "date": rules.settle_from(payday).isoformat(),
                    "payday": payday.isoformat(),
                }
            )
        if settlement.state != SettlementState.SETTLING or not settlement.submitted_at:
            raise ScoringError(_("The supervisor has not submitted this sheet yet."))
        if settlement.submitted_by_id == user.pk and not user.is_superuser:
            raise ScoringError(_("The person who submitted the sheet cannot approve it."))
        blockers = settlement_blockers(settlement)
        if blockers:
            raise ScoringError(" ".join(blockers))
        settlement.approve()
        settlement.approved_by, settlement.approved_at = user, timezone.now()
        _save(settlement, user, ["state", "approved_by", "approved_at"])
        _fund_credit(settlement, user)
    return settlement


def _who(user) -> str:
    return user.get_username() if user else "—"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _payday(settlement: Settlement) -> date:
    """The payday of the period ``settlement`` closes: its own (editable) one, else the policy's."""
    return settlement.payday or rules.payday_for(
        settlement.month, ScoringPolicy.current().payday_day
    )


def _fund_credit(settlement: Settlement, user) -> None:
    entries = []
    month = settlement.month.strftime("%Y-%m")
    for line in settlement.lines.all():
        for kind, amount in (
            (FundKind.TIER_DEDUCTION, line.deduction),
            (FundKind.CASH_FINE, line.cash_fines),
            (FundKind.SUPERVISOR_FINE, line.supervisor_fine),
        ):
            if amount > 0:
                entries.append(
                    FundEntry(
                        department_id=settlement.department_id,
                        kind=kind,
                        amount=amount,
                        settlement=settlement,
                        employee_id=line.employee_id,
                        note=month,
                        round=settlement.round,
                        created_by=user,
                    )
                )
    FundEntry.objects.bulk_create(entries, ignore_conflicts=True)


def settlement_reopen(settlement: Settlement, *, user, note: str = "") -> Settlement:
    """Return a sheet being settled to open (e.g. to record a late event); lines are dropped."""
    if not (user_is_manager(user) or user_supervises_department(user, settlement.department_id)):
        raise ScoringError(_("Only the supervisor or a manager can reopen a month."))
    with transaction.atomic():
        settlement = _lock(settlement)
        if settlement.state != SettlementState.SETTLING:
            raise ScoringError(_("Only a sheet being settled can be reopened."))
        settlement.reopen()
        SettlementLine.objects.filter(settlement=settlement).delete()
        settlement.submitted_by = settlement.submitted_at = None
        settlement.ledger_mark, settlement.note = "", note or settlement.note
        _save(settlement, user, ["state", "submitted_by", "submitted_at", "ledger_mark", "note"])
    return settlement


def fund_spend_check(department: Department, amount: Decimal, note: str) -> None:
    if amount is None or amount <= 0:
        raise ScoringError(_("Give the amount spent as a positive number."))
    if not (note or "").strip():
        raise ScoringError(_("Say what the money was spent on."))
    balance = fund_balance(department.pk)
    if amount > balance:
        raise ScoringError(_("The fund holds only %(balance)s yuan.") % {"balance": balance})


def fund_spend(*, department: Department, amount: Decimal, note: str, user) -> FundEntry:
    """SCR-06: pay an activity out of the department fund (a negative entry)."""
    with transaction.atomic():
        Department.objects.select_for_update().get(pk=department.pk)
        fund_spend_check(department, amount, note)
        return FundEntry.objects.create(
            department=department,
            kind=FundKind.SPENDING,
            amount=-amount,
            note=note[:200],
            created_by=user,
        )


# --- The daily job --------------------------------------------------------------------------


def settlements_due_run(today: date | None = None) -> dict[str, str]:
    """SCR-04: on the day before payday (or later, while it is still open), compute the sheet of
    the score period that payday closes, for every scored department. The period is the one
    ``today`` falls in (payday to the day before the next payday); until its settlement day the
    job reports the previous period's state, computing it if it is still open (a missed day, a
    reopened month). Idempotent; returns code → outcome."""
    today = today or timezone.localdate()
    policy = ScoringPolicy.current()
    departments = Department.objects.filter(is_active=True)
    if policy.department_codes:
        departments = departments.filter(code__in=policy.department_codes)
    outcome = {}
    for department in departments:
        label = score_period_of(department.pk, today, policy.payday_day)
        settlement = settlement_get(department, label)
        payday = settlement.payday or rules.payday_for(label, policy.payday_day)
        if rules.settlement_early(today, payday):
            settlement = settlement_find(department.pk, rules.previous_month(label))
            if settlement is None:
                outcome[department.code] = "not due"
                continue
        if settlement.state != SettlementState.OPEN:
            outcome[department.code] = settlement.state
            continue
        try:
            settlement_compute(settlement)
            outcome[department.code] = "computed"
        except ScoringError as exc:
            outcome[department.code] = "blocked: " + " ".join(exc.messages)
    return outcome
