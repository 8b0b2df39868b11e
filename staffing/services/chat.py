"""ATT-03: approved offline time and observed chat-status breaches, each a score event."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from staffing import selectors
from staffing.models import (
    ChatOfflineApproval,
    ChatStatusBreach,
    Employee,
    RosterEntry,
    StaffingPolicy,
)

from .errors import StaffingError


def _require_direct_supervisor(employee: Employee, user) -> None:
    approver = selectors.employee_for_user(user)
    if approver is None or approver.pk != employee.supervisor_id:
        raise StaffingError(_("Only the employee's direct supervisor may do this."))


def on_duty_at(employee: Employee, moment: dt.datetime) -> bool:
    """Whether a published session of the employee's duty roster covers ``moment``."""
    day = moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    entries = selectors.roster_entries([employee.pk], [day - dt.timedelta(days=1), day]).filter(
        status=RosterEntry.Status.PUBLISHED, shift_type__isnull=False, leave__isnull=True
    )
    return any(start <= moment < end for e in entries for start, end in e.session_times())


def chat_offline_approve(
    *, employee: Employee, starts_at: dt.datetime, ends_at: dt.datetime, reason: str, user
) -> ChatOfflineApproval:
    """ATT-03: going offline or invisible needs the supervisor's approval first."""
    _require_direct_supervisor(employee, user)
    if ends_at <= starts_at:
        raise StaffingError(_("The end must be after the start."))
    if not reason.strip():
        raise StaffingError(_("Give the reason."))
    approval = ChatOfflineApproval(
        employee=employee, starts_at=starts_at, ends_at=ends_at, reason=reason, approved_by=user
    )
    approval._history_user = user
    approval.save()
    return approval


def chat_breach_record(
    *, employee: Employee, kind: str, observed_at: dt.datetime, user, note: str = ""
) -> ChatStatusBreach:
    """ATT-03: offline on duty without approval → G3 (50 yuan); online while away → G3b (−2)."""
    from staffing.services.scoring import score_event_record

    _require_direct_supervisor(employee, user)
    if kind not in ChatStatusBreach.Kind.values:
        raise StaffingError(_("Unknown kind of breach."))
    if not on_duty_at(employee, observed_at):
        raise StaffingError(_("The employee was not on duty at that time."))
    if (
        kind == ChatStatusBreach.Kind.OFFLINE
        and ChatOfflineApproval.objects.filter(
            employee=employee, starts_at__lte=observed_at, ends_at__gt=observed_at
        ).exists()
    ):
        raise StaffingError(_("The employee was approved to be offline at that time."))
    policy = StaffingPolicy.current()
    code = (
        policy.chat_offline_rule_code
        if kind == ChatStatusBreach.Kind.OFFLINE
        else policy.chat_away_online_rule_code
    )
    with transaction.atomic():
        breach = ChatStatusBreach(
            employee=employee, kind=kind, observed_at=observed_at, note=note, recorded_by=user
        )
        breach._history_user = user
        breach.save()
        score_event_record(
            employee=employee,
            rule_code=code,
            source=breach,
            occurred_at=observed_at,
            user=user,
            reason=note or breach.get_kind_display(),
        )
    return breach
