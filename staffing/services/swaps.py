"""Shift swap writes (STF-03..STF-09): request, colleague answer, supervisor decision, expiry."""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.services.notifications import notification_send
from staffing import selectors
from staffing.models import Employee, RequestState, RosterEntry, StaffingPolicy, SwapRequest
from staffing.models.swaps import OPEN_STATES
from staffing.rules.common import refusals
from staffing.rules.swaps import swap_rules_check

from .errors import RulesRefused, StaffingError
from .roster import roster_entry_change

log = logging.getLogger(__name__)


def swap_rules_for(swap: SwapRequest, *, approver=None, entries=None, facts=None, policy=None):
    """The rules' results; ``facts`` and ``policy`` when the caller read them already (the
    approval page reads them for its whole page)."""
    policy = policy or StaffingPolicy.current()
    if facts is None:
        facts = selectors.swap_facts(swap, approver=approver, entries=entries)
    return swap_rules_check(
        facts, lead_hours=policy.swap_lead_hours, monthly_limit=policy.swap_monthly_limit
    )


def swap_request_create(
    *,
    requester: Employee,
    colleague: Employee,
    date: dt.date,
    back_date: dt.date | None = None,
    reason: str = "",
    handover_note: str = "",
) -> SwapRequest:
    """STF-03: ask a colleague to exchange shifts; refused at once if a rule refuses."""
    if colleague.pk == requester.pk:
        raise StaffingError(_("Choose a colleague other than yourself."))
    if back_date is not None and back_date == date:
        raise StaffingError(_("The swap-back date must differ from the swap date."))
    now = timezone.now()
    with transaction.atomic():
        swap = SwapRequest(
            requester=requester,
            colleague=colleague,
            date=date,
            back_date=back_date,
            reason=reason,
            handover_note=handover_note,
            requested_at=now,
            expires_at=now,
        )
        results = swap_rules_for(swap)
        if refusals(results):
            raise RulesRefused(results)
        entries = selectors.swap_entries(swap)
        swap.expires_at = min(e.starts_at() for e in entries.values() if e.is_working)
        swap.rule_results = [r.as_dict() for r in results]
        swap.submit()
        swap._history_user = requester.user
        swap.save()
        notification_send(
            [colleague.user],
            _("%(name)s asks you to swap shifts on %(date)s")
            % {"name": requester.name, "date": date},
            link="/staff/",
            dedupe_key=f"swap:{swap.pk}:asked",
        )
    return swap


def _locked(swap_id: int) -> SwapRequest:
    return (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("requester__user", "colleague__user", "requester__supervisor__user")
        .get(pk=swap_id)
    )


def swap_request_answer(
    swap_id: int, *, colleague: Employee, accept: bool, reason: str = ""
) -> SwapRequest:
    """STF-03: the colleague agrees to cover (then the supervisor decides) or declines."""
    now = timezone.now()
    with transaction.atomic():
        swap = _locked(swap_id)
        if swap.colleague_id != colleague.pk:
            raise StaffingError(_("Only the colleague asked may answer this swap."))
        if swap.state != RequestState.AWAITING_COLLEAGUE:
            raise StaffingError(_("This swap is no longer waiting for your answer."))
        if accept:
            swap.colleague_accept(now)
            recipients = [swap.requester.user]
            if swap.requester.supervisor:
                recipients.append(swap.requester.supervisor.user)
            subject = _("%(name)s agreed to the swap on %(date)s")
        else:
            swap.colleague_decline(now, reason)
            recipients = [swap.requester.user]
            subject = _("%(name)s declined the swap on %(date)s")
        swap._history_user = colleague.user
        swap.save()
        notification_send(
            recipients,
            subject % {"name": colleague.name, "date": swap.date},
            reason,
            link="/staff/",
            dedupe_key=f"swap:{swap.pk}:answered",
        )
    return swap


def swap_request_approve(
    swap_id: int, *, user, reason: str = "", override: bool = False
) -> SwapRequest:
    """STF-09: the direct supervisor approves; both roster entries change atomically.

    Rows are locked (the swap, then its entries in primary-key order), so of two approvals at
    the same moment exactly one wins; the other finds the swap decided or its entries changed.
    STF-07: beyond the monthly limit only an explicit ``override`` approves, and it records G14.
    """
    now = timezone.now()
    approver = selectors.employee_for_user(user)
    with transaction.atomic():
        swap = _locked(swap_id)
        if swap.state != RequestState.AWAITING_SUPERVISOR:
            raise StaffingError(_("This swap is not waiting for a supervisor's decision."))
        if approver is None:
            raise StaffingError(_("Only the requester's direct supervisor may approve this swap."))
        entries = selectors.swap_entries(swap, lock=True)
        results = swap_rules_for(swap, approver=approver, entries=entries)
        if refusals(results):
            raise RulesRefused(results)
        over_limit = any(r.code == "monthly_limit" and not r.passed for r in results)
        if over_limit and not override:
            raise RulesRefused(results)
        if now >= swap.expires_at:
            raise StaffingError(
                _("The shift has already started; the swap can no longer be approved.")
            )
        swap.approve(user, now, reason, override=over_limit)
        swap.rule_results = [r.as_dict() for r in results]
        swap._history_user = user
        swap.save()
        for day, cause in ((swap.date, RosterEntry.Cause.SWAP), (swap.back_date, "swap_back")):
            if day is None:
                continue
            mine = entries[(swap.requester_id, day)]
            theirs = entries[(swap.colleague_id, day)]
            mine_shift, theirs_shift = mine.shift_type, theirs.shift_type
            note = _("Swap approved: %(reason)s") % {"reason": reason} if reason else ""
            roster_entry_change(
                mine, shift_type=theirs_shift, cause=cause, user=user, reason=note, swap=swap
            )
            roster_entry_change(
                theirs, shift_type=mine_shift, cause=cause, user=user, reason=note, swap=swap
            )
        if over_limit:
            _record_over_limit(swap, user)
        notification_send(
            [swap.requester.user, swap.colleague.user],
            _("Swap on %(date)s approved") % {"date": swap.date},
            reason,
            link="/staff/",
            dedupe_key=f"swap:{swap.pk}:decided",
        )
    return swap


def _record_over_limit(swap: SwapRequest, user) -> None:
    """STF-07 / G14: each swap beyond the monthly limit costs 2 points, whatever the reason."""
    from staffing.services.scoring import score_event_record

    policy = StaffingPolicy.current()
    score_event_record(
        employee=swap.requester,
        rule_code=policy.swap_over_limit_rule_code,
        source=swap,
        occurred_at=swap.decided_at,
        user=user,
        reason=_("Swap on %(date)s beyond %(limit)s this month")
        % {"date": swap.date, "limit": policy.swap_monthly_limit},
    )


def swap_request_reject(swap_id: int, *, user, reason: str) -> SwapRequest:
    if not reason.strip():
        raise StaffingError(_("Give the reason for the rejection."))
    approver = selectors.employee_for_user(user)
    now = timezone.now()
    with transaction.atomic():
        swap = _locked(swap_id)
        if swap.state != RequestState.AWAITING_SUPERVISOR:
            raise StaffingError(_("This swap is not waiting for a supervisor's decision."))
        if approver is None or approver.pk != swap.requester.supervisor_id:
            raise StaffingError(_("Only the requester's direct supervisor may decide this swap."))
        swap.reject(user, now, reason)
        swap._history_user = user
        swap.save()
        notification_send(
            [swap.requester.user, swap.colleague.user],
            _("Swap on %(date)s rejected") % {"date": swap.date},
            reason,
            link="/staff/",
            dedupe_key=f"swap:{swap.pk}:decided",
        )
    return swap


def swap_request_cancel(swap_id: int, *, requester: Employee) -> SwapRequest:
    with transaction.atomic():
        swap = _locked(swap_id)
        if swap.requester_id != requester.pk:
            raise StaffingError(_("Only the requester may cancel this swap."))
        if swap.state not in OPEN_STATES:
            raise StaffingError(_("This swap can no longer be cancelled."))
        swap.cancel(timezone.now())
        swap._history_user = requester.user
        swap.save()
    return swap


def swaps_expire(now: dt.datetime | None = None, batch: int = 200) -> int:
    """Open swaps whose first shift has started expire (STF-09: too late to be valid)."""
    now = now or timezone.now()
    done = 0
    with transaction.atomic():
        for swap in (
            SwapRequest.objects.select_for_update(skip_locked=True)
            .filter(state__in=OPEN_STATES, expires_at__lte=now)
            .order_by("expires_at")[:batch]
        ):
            swap.expire(now)
            swap.save()
            done += 1
    return done
