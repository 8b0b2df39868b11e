"""Writes to the points ledger (SCR-01, SCR-08, SCR-09) and appeals.

Other apps record points through ``score_event_record`` and cancel them through
``score_event_reverse``; both are idempotent per (rule, source), so a re-run of the caller is
harmless. The ledger is append-only: a cancellation is a reversing row.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.errors import ApplicationError, StateConflict
from staffing import selectors
from staffing.models import (
    Employee,
    ScoreAppeal,
    ScoreEvent,
    ScoreRule,
    ScoringPolicy,
    Settlement,
)
from staffing.models.scoring import AppealState, CashMode, EventKind, SettlementState
from staffing.rules.scoring import appeal_in_time


class ScoringError(ApplicationError):
    """Bad input or a forbidden write; the message is shown to the user as is."""


class MonthFrozen(StateConflict, ScoringError):
    """The score period is settled: its ledger cannot change any more."""


def _aware(moment: datetime | date) -> datetime:
    if isinstance(moment, datetime):
        if timezone.is_naive(moment):
            raise ScoringError(_("The time of the event needs a time zone."))
        return moment
    return timezone.make_aware(datetime.combine(moment, time(0, 0)))


def _source_key(source) -> tuple[ContentType | None, str]:
    if source is None:
        return None, ""
    if getattr(source, "pk", None) is None:
        raise ScoringError(_("The source of a score event must be a saved object."))
    return ContentType.objects.get_for_model(source, for_concrete_model=False), str(source.pk)


def month_check_open(department_id: int, month: date, *, lock: bool = True) -> None:
    """Raise ``MonthFrozen`` when the department's month is settled (SCR-04: frozen)."""
    qs = Settlement.objects.filter(department_id=department_id, month=month)
    if lock:
        qs = qs.select_for_update()
    state = qs.values_list("state", flat=True).first()
    if state == SettlementState.SETTLED:
        raise MonthFrozen(
            _("%(month)s is already settled for this department; its scores cannot change.")
            % {"month": month.strftime("%Y-%m")}
        )


def _rule_get(rule_code: str) -> ScoreRule:
    try:
        return ScoreRule.objects.get(code=rule_code)
    except ScoreRule.DoesNotExist:
        raise ScoringError(_("There is no score rule %(code)s.") % {"code": rule_code})


def _points_for(rule: ScoreRule, points: int | None, cash_given: bool) -> int:
    if rule.has_range:
        if points is None:
            if rule.cash_mode == CashMode.AWARD_GIVEN and cash_given:
                return 0
            raise ScoringError(
                _("Rule %(code)s needs the points, from %(min)s to %(max)s.")
                % {"code": rule.code, "min": rule.points_min, "max": rule.points_max}
            )
        if not rule.points_min <= points <= rule.points_max:
            raise ScoringError(
                _("Rule %(code)s gives from %(min)s to %(max)s points, not %(points)s.")
                % {
                    "code": rule.code,
                    "min": rule.points_min,
                    "max": rule.points_max,
                    "points": points,
                }
            )
        return points
    if points is not None and points != rule.points:
        raise ScoringError(
            _("Rule %(code)s is worth %(rule_points)s points, not %(points)s.")
            % {"code": rule.code, "rule_points": rule.points, "points": points}
        )
    return rule.points


def _cash_for(rule: ScoreRule, employee: Employee, cash: Decimal | None) -> Decimal:
    """Signed money for the employee: fines negative, awards positive."""
    if cash is not None:
        cash = Decimal(cash)
        if cash < 0:
            raise ScoringError(_("Give the amount of money as a positive number."))
    mode = rule.cash_mode
    if mode == CashMode.NONE:
        if cash:
            raise ScoringError(_("Rule %(code)s carries no money.") % {"code": rule.code})
        return Decimal("0")
    if mode == CashMode.FINE:
        return -(cash if cash is not None else rule.cash_amount)
    if mode == CashMode.FINE_DAILY_WAGE:
        return -(cash if cash is not None else employee.daily_wage)
    if mode == CashMode.FINE_GIVEN:
        if not cash:
            raise ScoringError(_("Rule %(code)s needs the amount to pay.") % {"code": rule.code})
        return -cash
    return cash or Decimal("0")  # AWARD_GIVEN


def score_event_record(
    *,
    employee: Employee,
    rule_code: str,
    source,
    occurred_at: datetime | date,
    user=None,
    reason: str = "",
    points: int | None = None,
    cash: Decimal | None = None,
    evidence: str = "",
) -> ScoreEvent:
    """SCR-08/SCR-09: record one rule's points (and money) against an employee.

    Idempotent per (rule, source): a second call with the same rule and source returns the
    event already recorded. ``source`` is the object that caused it (a complaint, an attendance
    day, a swap) or ``None`` for a supervisor's hand entry. Raises ``ScoringError`` on bad input
    and ``MonthFrozen`` when the month it counts in is settled.
    """
    rule = _rule_get(rule_code)
    source_type, source_id = _source_key(source)
    if source_id:
        existing = ScoreEvent.objects.filter(
            rule=rule, source_type=source_type, source_id=source_id, kind=EventKind.RECORD
        ).first()
        if existing is not None:
            return existing
    if not rule.is_active:
        raise ScoringError(_("Rule %(code)s is not in use.") % {"code": rule.code})
    if rule.applies_to and employee.position not in rule.applies_to:
        raise ScoringError(
            _("Rule %(code)s does not apply to %(name)s's position.")
            % {"code": rule.code, "name": employee.name}
        )
    occurred_at = _aware(occurred_at)
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ScoringError(_("An event cannot happen in the future."))
    # SCR-01/SCR-04: the event counts in the score period of its local day (payday to the day
    # before the next payday), not in its calendar month.
    month = selectors.score_period_of(
        employee.department_id, timezone.localdate(occurred_at, ZoneInfo(settings.TIME_ZONE))
    )
    event_points = _points_for(rule, points, cash_given=bool(cash))
    event_cash = _cash_for(rule, employee, cash)
    try:
        with transaction.atomic():
            month_check_open(employee.department_id, month)
            is_warning = False
            if rule.first_offence_warning:
                earlier = ScoreEvent.objects.filter(
                    employee=employee,
                    rule=rule,
                    month=month,
                    kind=EventKind.RECORD,
                    reversed_by__isnull=True,
                ).exists()
                if not earlier:
                    is_warning, event_points, event_cash = True, 0, Decimal("0")
            event = ScoreEvent(
                employee=employee,
                rule=rule,
                kind=EventKind.RECORD,
                points=event_points,
                cash=event_cash,
                is_warning=is_warning,
                costs_attendance_bonus=rule.costs_attendance_bonus,
                occurred_at=occurred_at,
                month=month,
                source_type=source_type,
                source_id=source_id,
                recorded_by=user,
                reason=reason,
                evidence=evidence,
            )
            event._history_user = user
            event.save()
    except IntegrityError:
        if not source_id:
            raise
        # A concurrent call recorded the same (rule, source) first.
        return ScoreEvent.objects.get(
            rule=rule, source_type=source_type, source_id=source_id, kind=EventKind.RECORD
        )
    return event


def score_event_cancel(event: ScoreEvent, *, reason: str, user=None) -> ScoreEvent:
    """SCR-09: append the reversing event of ``event`` (idempotent: one reversal per event)."""
    if not reason or not reason.strip():
        raise ScoringError(_("Give the reason for cancelling the event."))
    if event.kind != EventKind.RECORD:
        raise ScoringError(_("A reversal cannot itself be reversed; record the event again."))
    with transaction.atomic():
        month_check_open(event.employee.department_id, event.month)
        existing = ScoreEvent.objects.filter(reverses=event).first()
        if existing is not None:
            return existing
        reversal = ScoreEvent(
            employee_id=event.employee_id,
            rule_id=event.rule_id,
            kind=EventKind.REVERSAL,
            points=-event.points,
            cash=-event.cash,
            is_warning=event.is_warning,
            costs_attendance_bonus=False,
            occurred_at=timezone.now(),
            month=event.month,
            reverses=event,
            recorded_by=user,
            reason=reason,
        )
        reversal._history_user = user
        try:
            with transaction.atomic():
                reversal.save()
        except IntegrityError:
            return ScoreEvent.objects.get(reverses=event)
    return reversal


def score_event_reverse(*, rule_code: str, source, reason: str, user=None) -> ScoreEvent | None:
    """SCR-09: cancel the event recorded for (rule, source), e.g. when a complaint is overturned
    or A6/A9's "cancelled if…" happens. Returns the reversal, or ``None`` when nothing was
    recorded for that source. Idempotent."""
    rule = _rule_get(rule_code)
    source_type, source_id = _source_key(source)
    if not source_id:
        raise ScoringError(_("Reversing by source needs a source."))
    event = (
        ScoreEvent.objects.select_related("employee")
        .filter(rule=rule, source_type=source_type, source_id=source_id, kind=EventKind.RECORD)
        .first()
    )
    if event is None:
        return None
    return score_event_cancel(event, reason=reason, user=user)


# --- Appeals --------------------------------------------------------------------------------


def appeal_window_open(
    event: ScoreEvent, now: datetime | None = None, *, appeal_days: int | None = None
) -> bool:
    """SCR-09: ``event`` can still be appealed at ``now``: up to the policy's number of days
    after it was recorded, the deadline itself included. The one window both the employee's
    page (its appeal button) and ``appeal_file`` use; ``appeal_days`` defaults to the policy's.
    """
    if appeal_days is None:
        appeal_days = ScoringPolicy.current().appeal_days
    return appeal_in_time(event.recorded_at, appeal_days, now or timezone.now())


def appeal_offered(
    event: ScoreEvent, *, is_reversed: bool, appeal_days: int, now: datetime | None = None
) -> bool:
    """SCR-09: the employee's page offers an appeal on a recorded, not reversed event within
    the window; ``appeal_file`` checks all of it again (and who appeals)."""
    return (
        event.kind == EventKind.RECORD
        and not is_reversed
        and appeal_window_open(event, now, appeal_days=appeal_days)
    )


def appeal_file(*, event: ScoreEvent, user, reason: str, now: datetime | None = None):
    """An employee appeals one of their own events within the policy's number of days."""
    now = now or timezone.now()
    if not reason or not reason.strip():
        raise ScoringError(_("Say why you appeal."))
    if event.kind != EventKind.RECORD or ScoreEvent.objects.filter(reverses=event).exists():
        raise ScoringError(_("This event is already cancelled."))
    if getattr(event.employee, "user_id", None) != getattr(user, "pk", None):
        raise ScoringError(_("Only the person the event is about can appeal it."))
    month_check_open(event.employee.department_id, event.month, lock=False)
    days = ScoringPolicy.current().appeal_days
    if not appeal_window_open(event, now, appeal_days=days):
        raise ScoringError(
            _("Appeals are accepted within %(days)s days of the event being recorded.")
            % {"days": days}
        )
    with transaction.atomic():
        month_check_open(event.employee.department_id, event.month)
        if ScoreAppeal.objects.filter(event=event, state=AppealState.OPEN).exists():
            raise ScoringError(_("This event already has an open appeal."))
        appeal = ScoreAppeal(event=event, employee=event.employee, month=event.month, reason=reason)
        appeal._history_user = user
        appeal.save()
        supervisor = event.employee.supervisor
        _notify(
            [supervisor.user if supervisor else None],
            _("Score appeal from %(name)s (%(code)s)")
            % {"name": event.employee.name, "code": event.rule.code},
            reason,
            f"scoreappeal:{appeal.pk}:filed",
        )
    return appeal


def _notify(users, subject: str, body: str, key: str) -> None:
    from courier.core.services.notifications import notification_send

    notification_send(
        [u for u in users if u is not None],
        subject,
        body,
        link=reverse("admin:staffing_scoreappeal_changelist") + "?state__exact=open",
        dedupe_key=key,
    )


def can_decide_appeal(user, employee: Employee) -> bool:
    """The employee's own supervisor, a supervisor or manager of their department, or a
    superuser; never the employee themself (``selectors.user_may_decide_appeal``)."""
    return selectors.user_may_decide_appeal(user, employee)


def appeal_decide(*, appeal: ScoreAppeal, user, uphold: bool, note: str = "") -> ScoreAppeal:
    """Uphold (the event is reversed) or reject an open appeal."""
    with transaction.atomic():
        appeal = (
            ScoreAppeal.objects.select_for_update()
            .select_related("event__employee")
            .get(pk=appeal.pk)
        )
        if appeal.state != AppealState.OPEN:
            raise ScoringError(_("This appeal is already decided."))
        if not can_decide_appeal(user, appeal.employee):
            raise ScoringError(_("Only the supervisor or a manager can decide this appeal."))
        if uphold:
            score_event_cancel(
                appeal.event,
                reason=_("Appeal upheld: %(note)s") % {"note": note or appeal.reason},
                user=user,
            )
            appeal.uphold()
        else:
            appeal.reject()
        appeal.decided_by = user
        appeal.decided_at = timezone.now()
        appeal.decision_note = note
        appeal._history_user = user
        appeal.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        _notify(
            [appeal.employee.user],
            _("Your appeal on %(code)s: %(state)s")
            % {"code": appeal.event.rule.code, "state": appeal.get_state_display()},
            note,
            f"scoreappeal:{appeal.pk}:decided",
        )
    return appeal
