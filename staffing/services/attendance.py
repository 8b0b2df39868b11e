"""Attendance writes (ATT-01, ATT-02): punches, corrections, the nightly computation, and the
score events of absence (G4), unexplained missed punches (G1) and leaving post (G2)."""

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.services.notifications import notification_send
from staffing import selectors
from staffing.models import (
    AttendanceDay,
    CorrectionState,
    Employee,
    Punch,
    PunchCorrection,
    RosterEntry,
    RosterKind,
    StaffingPolicy,
)
from staffing.rules import attendance as rules
from staffing.rules.common import refusals

from .errors import RulesRefused, StaffingError

log = logging.getLogger(__name__)
MARGIN = dt.timedelta(hours=6)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def punch_record(employee: Employee, *, direction: str, at=None, source=Punch.Source.DEVICE):
    return Punch.objects.create(
        employee=employee, direction=direction, at=at or timezone.now(), source=source
    )


@dataclass(frozen=True)
class Clocking:
    """What a clock-in or clock-out from the web did: the punch (the earlier one when the click
    repeated it), whether it repeated, and for a clock-in its session start and lateness."""

    punch: Punch
    repeated: bool = False
    session_start: dt.datetime | None = None
    late_minutes: int = 0


def _rostered_sessions(employee_id: int, at: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The published duty sessions of the punch's day and the day before (a night session
    started yesterday ends today), in order."""
    today = local_date(at)
    entries = (
        RosterEntry.objects.filter(
            employee_id=employee_id,
            date__in=[today - dt.timedelta(days=1), today],
            kind=RosterKind.DUTY,
            status=RosterEntry.Status.PUBLISHED,
            shift_type__isnull=False,
        )
        .select_related("shift_type")
        .prefetch_related("shift_type__sessions")
        .order_by("date")
    )
    sessions = [s for entry in entries for s in entry.session_times()]
    return [s for s in sessions if s[0] - MARGIN <= at <= s[1] + MARGIN]


def punch_clock(
    employee: Employee, *, direction: str, at=None, source=Punch.Source.WEB
) -> Clocking:
    """ATT-01: clock in or out. A click repeating the previous punch of the same session (or of
    the same day, unrostered) records nothing and returns that punch; a clock-in after its
    session's start (plus the policy's grace) reports the minutes late, as the day's
    computation will count them."""
    at = at or timezone.now()
    with transaction.atomic():
        Employee.objects.select_for_update().filter(pk=employee.pk).first()  # serialise clicks
        sessions = _rostered_sessions(employee.pk, at)
        index = rules.punch_session(sessions, at, direction)
        if index is None:
            day_start = dt.datetime.combine(
                local_date(at), dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE)
            )
            earlier = Punch.objects.filter(employee=employee, at__gte=day_start, at__lte=at)
        else:
            start, end = sessions[index]
            earlier = [
                p
                for p in Punch.objects.filter(
                    employee=employee, at__gte=start - MARGIN, at__lte=min(at, end + MARGIN)
                )
                if rules.punch_session(sessions, p.at, p.direction) == index
            ]
        previous = max(earlier, key=lambda p: (p.at, p.pk), default=None)
        if previous is not None and rules.punch_repeats(previous.direction, direction):
            return Clocking(previous, repeated=True)
        punch = Punch.objects.create(employee=employee, direction=direction, at=at, source=source)
    if direction != "in" or index is None:
        return Clocking(punch)
    start = sessions[index][0]
    grace = StaffingPolicy.current().late_grace_minutes
    return Clocking(
        punch, session_start=start, late_minutes=rules.clock_in_late_minutes(start, at, grace)
    )


def correction_rules_for(correction: PunchCorrection, *, approver=None, applied=None, policy=None):
    """The rules' results; ``applied`` (the month's applications before this one) and ``policy``
    when the caller read them already (the approval page reads them for its whole page)."""
    policy = policy or StaffingPolicy.current()
    if applied is None:
        applied = selectors.corrections_applied_in_month(
            correction.employee_id, correction.date, before=correction.pk
        )
    return rules.correction_rules_check(
        punch_at=correction.at,
        filed_at=correction.filed_at,
        window_hours=policy.correction_window_hours,
        applied_this_month=applied,
        monthly_limit=policy.correction_monthly_limit,
        approver_is_direct_supervisor=(
            None if approver is None else approver.pk == correction.employee.supervisor_id
        ),
    )


def punch_correction_file(
    *, employee: Employee, direction: str, at: dt.datetime, reason: str
) -> PunchCorrection:
    """ATT-02: explain a forgotten punch to the direct supervisor within the window."""
    if not reason.strip():
        raise StaffingError(_("Explain why the punch was missed."))
    with transaction.atomic():
        # Serialise one person's applications so the monthly cap on applications holds.
        Employee.objects.select_for_update().filter(pk=employee.pk).first()
        correction = PunchCorrection(
            employee=employee,
            date=local_date(at),
            direction=direction,
            at=at,
            reason=reason,
            filed_at=timezone.now(),
        )
        results = correction_rules_for(correction)
        if refusals(results):
            raise RulesRefused(results)
        correction.rule_results = [r.as_dict() for r in results]
        correction._history_user = employee.user
        correction.save()
        if employee.supervisor_id:
            notification_send(
                [employee.supervisor.user],
                _("Punch correction from %(name)s for %(date)s")
                % {"name": employee.name, "date": correction.date},
                link="/staff/approvals/",
                dedupe_key=f"correction:{correction.pk}:filed",
            )
    return correction


def punch_correction_approve(correction_id: int, *, user, reason: str = "") -> PunchCorrection:
    """ATT-02: an application within the monthly cap (counted when filed) is approved by the
    direct supervisor; the approved punch counts for the day."""
    approver = selectors.employee_for_user(user)
    with transaction.atomic():
        correction = (
            PunchCorrection.objects.select_for_update(of=("self",))
            .select_related("employee__user")
            .get(pk=correction_id)
        )
        if correction.state != CorrectionState.PENDING:
            raise StaffingError(_("This correction has already been decided."))
        if approver is None:
            raise StaffingError(_("Only the employee's direct supervisor may decide this."))
        # Serialise approvals of one person's corrections so the monthly cap holds.
        Employee.objects.select_for_update().filter(pk=correction.employee_id).first()
        results = correction_rules_for(correction, approver=approver)
        # The deadline was met when filed; what matters now is the cap and the approver.
        deciding = [r for r in results if r.code in ("monthly_limit", "direct_supervisor")]
        if refusals(deciding):
            raise RulesRefused(results)
        correction.approve(user, timezone.now(), reason)
        correction.rule_results = [r.as_dict() for r in results]
        correction._history_user = user
        correction.save()
        Punch.objects.create(
            employee=correction.employee,
            direction=correction.direction,
            at=correction.at,
            source=Punch.Source.CORRECTION,
            correction=correction,
        )
        attendance_day_compute(correction.employee_id, correction.date)
        notification_send(
            [correction.employee.user],
            _("Punch correction for %(date)s approved") % {"date": correction.date},
            reason,
            link="/staff/",
            dedupe_key=f"correction:{correction.pk}:decided",
        )
    return correction


def punch_correction_reject(correction_id: int, *, user, reason: str) -> PunchCorrection:
    if not reason.strip():
        raise StaffingError(_("Give the reason for the rejection."))
    approver = selectors.employee_for_user(user)
    with transaction.atomic():
        correction = (
            PunchCorrection.objects.select_for_update(of=("self",))
            .select_related("employee__user")
            .get(pk=correction_id)
        )
        if correction.state != CorrectionState.PENDING:
            raise StaffingError(_("This correction has already been decided."))
        if approver is None or approver.pk != correction.employee.supervisor_id:
            raise StaffingError(_("Only the employee's direct supervisor may decide this."))
        correction.reject(user, timezone.now(), reason)
        correction._history_user = user
        correction.save()
        notification_send(
            [correction.employee.user],
            _("Punch correction for %(date)s rejected") % {"date": correction.date},
            reason,
            link="/staff/",
            dedupe_key=f"correction:{correction.pk}:decided",
        )
    return correction


def attendance_day_compute(employee_id: int, day: dt.date) -> AttendanceDay | None:
    """ATT-01: measure one person's day against their published duty sessions."""
    entry = (
        RosterEntry.objects.filter(
            employee_id=employee_id,
            date=day,
            kind=RosterKind.DUTY,
            status=RosterEntry.Status.PUBLISHED,
            shift_type__isnull=False,
        )
        .select_related("shift_type")
        .prefetch_related("shift_type__sessions")
        .first()
    )
    existing = AttendanceDay.objects.filter(employee_id=employee_id, date=day).first()
    if existing is not None and existing.finalized_at is not None:
        return existing
    if entry is None:
        if existing is not None:
            existing.delete()
        return None
    sessions = entry.session_times()
    punches = selectors.punches_between(
        employee_id, sessions[0][0] - MARGIN, sessions[-1][1] + MARGIN
    )
    result = rules.attendance_evaluate(
        sessions,
        punches,
        grace_minutes=StaffingPolicy.current().late_grace_minutes,
        on_leave=entry.leave_id is not None,
    )
    values = {
        "entry": entry,
        "status": result.status,
        "late_minutes": result.late_minutes,
        "early_minutes": result.early_minutes,
        "missing_punches": result.missing_punches,
        "computed_at": timezone.now(),
    }
    if existing is None:
        return AttendanceDay.objects.create(employee_id=employee_id, date=day, **values)
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save(update_fields=list(values))
    return existing


def attendance_compute_date(day: dt.date) -> int:
    """Compute every rostered person's day; re-running only refreshes unfinalized days."""
    ids = RosterEntry.objects.filter(
        date=day,
        kind=RosterKind.DUTY,
        status=RosterEntry.Status.PUBLISHED,
        shift_type__isnull=False,
    ).values_list("employee_id", flat=True)
    count = 0
    for employee_id in ids:
        with transaction.atomic():
            if attendance_day_compute(employee_id, day) is not None:
                count += 1
    return count


def _consequence_rule(day: AttendanceDay, policy: StaffingPolicy) -> str | None:
    status = AttendanceDay.Status
    if day.status == status.ABSENT:
        return policy.absence_rule_code  # LEV-05 / G4
    if day.status == status.MISSING_PUNCH:
        return policy.missed_punch_rule_code  # ATT-02 / G1
    if rules.left_post_counts(
        day.status, **selectors.post_left_approved(day.employee_id, day.date)
    ):
        return policy.left_post_rule_code  # STF-10 / G2: no approved swap, leave or cover
    return None


def attendance_finalize_due(now: dt.datetime | None = None) -> int:
    """Once a day's correction window has closed (and no correction is still pending), fix its
    status and record its score event, once per day (the event's source is the day)."""
    from staffing.services.scoring import score_event_record

    now = now or timezone.now()
    policy = StaffingPolicy.current()
    window = dt.timedelta(hours=policy.correction_window_hours)
    latest = local_date(now - window)
    finalized = 0
    candidates = AttendanceDay.objects.filter(finalized_at__isnull=True, date__lte=latest)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            day = (
                AttendanceDay.objects.select_for_update(of=("self",))
                .select_related("employee")
                .filter(pk=pk, finalized_at__isnull=True)
                .first()
            )
            if day is None:
                continue
            if PunchCorrection.objects.filter(
                employee_id=day.employee_id, date=day.date, state=CorrectionState.PENDING
            ).exists():
                continue
            day = attendance_day_compute(day.employee_id, day.date)
            if day is None or day.entry is None:
                continue
            if day.entry.session_times()[-1][1] + window > now:
                continue
            code = _consequence_rule(day, policy)
            if code:
                try:
                    score_event_record(
                        employee=day.employee,
                        rule_code=code,
                        source=day,
                        occurred_at=day.entry.session_times()[0][0],
                        user=None,
                        reason=_("Attendance on %(date)s: %(status)s")
                        % {"date": day.date, "status": day.get_status_display()},
                    )
                except ValidationError as exc:  # e.g. the month is already settled
                    log.warning("attendance day %s: no score event: %s", day.pk, exc.messages)
            day.finalized_at = now
            day.save(update_fields=["finalized_at"])
            finalized += 1
    return finalized


def attendance_nightly(now: dt.datetime | None = None) -> dict:
    """The nightly job: compute yesterday, then finalize the days whose window has closed."""
    now = now or timezone.now()
    yesterday = local_date(now) - dt.timedelta(days=1)
    return {
        "computed": attendance_compute_date(yesterday),
        "finalized": attendance_finalize_due(now),
    }
