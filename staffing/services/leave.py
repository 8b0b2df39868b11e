"""Leave writes (LEV-01..LEV-05, STF-05, STF-06, STF-08): request, cover answer, decision."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.services.notifications import notification_send
from staffing import selectors
from staffing.models import Employee, LeaveRequest, LeaveType, RequestState, RosterEntry
from staffing.models.swaps import OPEN_STATES
from staffing.rules.common import refusals
from staffing.rules.leave import leave_rules_check

from .errors import RulesRefused, StaffingError
from .roster import roster_entry_change


def leave_rules_for(leave: LeaveRequest, *, approver: Employee | None = None, facts=None):
    """The rules' results; ``facts`` when the caller read them already (the approval page)."""
    return leave_rules_check(facts or selectors.leave_facts(leave, approver=approver))


def leave_request_create(
    *,
    requester: Employee,
    entry: RosterEntry,
    leave_type: LeaveType,
    addressed_to: Employee | None = None,
    cover: Employee | None = None,
    reason: str = "",
) -> LeaveRequest:
    """LEV-01: leave for one rostered shift, addressed to the direct supervisor (LEV-04)."""
    if entry.employee_id != requester.pk:
        raise StaffingError(_("You can only request leave for your own shift."))
    now = timezone.now()
    with transaction.atomic():
        RosterEntry.objects.select_for_update().filter(pk=entry.pk).first()
        leave = LeaveRequest(
            requester=requester,
            entry=entry,
            leave_type=leave_type,
            addressed_to=addressed_to or requester.supervisor or requester,
            cover=cover,
            reason=reason,
            requested_at=now,
            expires_at=entry.starts_at() or now,
        )
        results = leave_rules_check(selectors.leave_facts(leave))
        if refusals(results):
            raise RulesRefused(results)
        leave.rule_results = [r.as_dict() for r in results]
        if leave_type.needs_cover or cover is not None:
            leave.submit_to_cover()
        else:
            leave.submit()
        leave._history_user = requester.user
        leave.save()
        if leave.state == RequestState.AWAITING_COLLEAGUE:
            notification_send(
                [cover.user],
                _("%(name)s asks you to cover the shift on %(date)s")
                % {"name": requester.name, "date": entry.date},
                link="/staff/",
                dedupe_key=f"leave:{leave.pk}:cover",
            )
        else:
            notification_send(
                [leave.addressed_to.user],
                _("Leave request from %(name)s for %(date)s")
                % {"name": requester.name, "date": entry.date},
                link="/staff/approvals/",
                dedupe_key=f"leave:{leave.pk}:asked",
            )
    return leave


def _locked(leave_id: int) -> LeaveRequest:
    return (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related(
            "requester__user", "addressed_to__user", "cover__user", "leave_type", "entry"
        )
        .get(pk=leave_id)
    )


def leave_request_answer(
    leave_id: int, *, cover: Employee, accept: bool, reason: str = ""
) -> LeaveRequest:
    """LEV-02: the colleague agrees to cover (then the supervisor decides) or declines."""
    now = timezone.now()
    with transaction.atomic():
        leave = _locked(leave_id)
        if leave.cover_id != cover.pk:
            raise StaffingError(_("Only the colleague asked may answer this request."))
        if leave.state != RequestState.AWAITING_COLLEAGUE:
            raise StaffingError(_("This request is no longer waiting for your answer."))
        if accept:
            leave.submit(at=now)
            recipients = [leave.requester.user, leave.addressed_to.user]
            subject = _("%(name)s will cover the shift on %(date)s")
        else:
            leave.cover_decline(now, reason)
            recipients = [leave.requester.user]
            subject = _("%(name)s cannot cover the shift on %(date)s")
        leave._history_user = cover.user
        leave.save()
        notification_send(
            recipients,
            subject % {"name": cover.name, "date": leave.entry.date},
            reason,
            link="/staff/",
            dedupe_key=f"leave:{leave.pk}:answered",
        )
    return leave


def leave_request_approve(leave_id: int, *, user, reason: str = "") -> LeaveRequest:
    """LEV-01/LEV-04: only the direct supervisor approves; the roster entry is marked."""
    now = timezone.now()
    approver = selectors.employee_for_user(user)
    with transaction.atomic():
        leave = _locked(leave_id)
        if leave.state != RequestState.AWAITING_SUPERVISOR:
            raise StaffingError(_("This leave is not waiting for a supervisor's decision."))
        if approver is None:
            raise StaffingError(_("Only the requester's direct supervisor may approve this leave."))
        entry = RosterEntry.objects.select_for_update().get(pk=leave.entry_id)
        leave.entry = entry
        results = leave_rules_check(selectors.leave_facts(leave, approver=approver))
        if refusals(results):
            raise RulesRefused(results)
        if entry.starts_at() and now >= entry.starts_at():
            raise StaffingError(
                _("The shift has already started; the leave can no longer be approved.")
            )
        leave.approve(user, now, reason)
        leave.rule_results = [r.as_dict() for r in results]
        leave._history_user = user
        leave.save()
        roster_entry_change(
            entry,
            shift_type=entry.shift_type,
            cause=RosterEntry.Cause.LEAVE,
            user=user,
            reason=_("Leave approved: %(type)s") % {"type": leave.leave_type.name},
            leave=leave,
        )
        recipients = [leave.requester.user] + ([leave.cover.user] if leave.cover else [])
        notification_send(
            recipients,
            _("Leave on %(date)s approved") % {"date": entry.date},
            reason,
            link="/staff/",
            dedupe_key=f"leave:{leave.pk}:decided",
        )
    return leave


def leave_request_reject(leave_id: int, *, user, reason: str) -> LeaveRequest:
    if not reason.strip():
        raise StaffingError(_("Give the reason for the rejection."))
    approver = selectors.employee_for_user(user)
    with transaction.atomic():
        leave = _locked(leave_id)
        if leave.state != RequestState.AWAITING_SUPERVISOR:
            raise StaffingError(_("This leave is not waiting for a supervisor's decision."))
        if approver is None or approver.pk != leave.requester.supervisor_id:
            raise StaffingError(_("Only the requester's direct supervisor may decide this leave."))
        leave.reject(user, timezone.now(), reason)
        leave._history_user = user
        leave.save()
        notification_send(
            [leave.requester.user],
            _("Leave on %(date)s rejected") % {"date": leave.entry.date},
            reason,
            link="/staff/",
            dedupe_key=f"leave:{leave.pk}:decided",
        )
    return leave


def leave_request_cancel(leave_id: int, *, requester: Employee) -> LeaveRequest:
    with transaction.atomic():
        leave = _locked(leave_id)
        if leave.requester_id != requester.pk:
            raise StaffingError(_("Only the requester may cancel this leave."))
        if leave.state not in OPEN_STATES:
            raise StaffingError(_("This leave can no longer be cancelled."))
        leave.cancel(timezone.now())
        leave._history_user = requester.user
        leave.save()
    return leave


def leaves_expire(now: dt.datetime | None = None, batch: int = 200) -> int:
    """LEV-01: a leave not approved before the shift starts never takes effect."""
    now = now or timezone.now()
    done = 0
    with transaction.atomic():
        for leave in (
            LeaveRequest.objects.select_for_update(skip_locked=True)
            .filter(state__in=OPEN_STATES, expires_at__lte=now)
            .order_by("expires_at")[:batch]
        ):
            leave.expire(now)
            leave.save()
            done += 1
    return done
