"""Reopening a settled month (SCR-07, issue 13 point 21): only a manager asks, with the reason;
only head office approves, and never the person who asked. On approval the month returns to
open (its sheet dropped, the fines it credited taken back from the activity fund), so events can
be recorded and the sheet computed, submitted and approved again. The request is a row with its
own history (who asked, why, who decided, when, what was undone); a second or stale decision
says it was already decided, by whom and when.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.errors import PermissionRefused, StateConflict
from staffing.models import Employee, FundEntry, Settlement, SettlementLine
from staffing.models.scoring import (
    FundKind,
    ReopeningState,
    SettlementReopening,
    SettlementState,
)
from staffing.selectors import user_is_hq, user_is_manager
from staffing.selectors.access import DEPARTMENT_SUPERVISORS, HEAD_OFFICE
from staffing.services.scoring import ScoringError
from staffing.services.settlement import AlreadyApproved, _when, _who


class ReopeningRefused(PermissionRefused, ScoringError):
    """This person may not ask for, or decide, the reopening."""


class ReopeningConflict(StateConflict, ScoringError):
    """The month or the request is not in a state that allows the step."""


def reopening_requestable(settlement: Settlement, user) -> bool:
    """The settlement screen and the admin offer the request: a settled month, a manager, no
    request already waiting (``reopening_request`` checks all of it again)."""
    return (
        settlement.state == SettlementState.SETTLED
        and user_is_manager(user)
        and not SettlementReopening.objects.filter(
            settlement=settlement, state=ReopeningState.REQUESTED
        ).exists()
    )


def reopening_decidable(reopening: SettlementReopening, user) -> bool:
    """Offered to head office on a waiting request of someone else."""
    return (
        reopening.state == ReopeningState.REQUESTED
        and reopening.requested_by_id != getattr(user, "pk", None)
        and user_is_hq(user)
    )


def reopening_request(settlement: Settlement, *, user, reason: str) -> SettlementReopening:
    """SCR-07: a manager asks head office to reopen a settled month, saying why."""
    if not user_is_manager(user):
        raise ReopeningRefused(_("Only a manager can ask to reopen a settled month."))
    reason = (reason or "").strip()
    if not reason:
        raise ScoringError(_("Say why the settled month must be reopened."))
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if settlement.state != SettlementState.SETTLED:
            raise ReopeningConflict(
                _("%(month)s is not settled; only a settled month needs HQ's approval to reopen.")
                % {"month": settlement.month.strftime("%Y-%m")}
            )
        waiting = (
            SettlementReopening.objects.select_related("requested_by")
            .filter(settlement=settlement, state=ReopeningState.REQUESTED)
            .first()
        )
        if waiting is not None:
            raise ReopeningConflict(
                _("Reopening %(month)s was already asked by %(name)s at %(when)s; it waits for HQ.")
                % {
                    "month": settlement.month.strftime("%Y-%m"),
                    "name": _who(waiting.requested_by),
                    "when": _when(waiting.requested_at),
                }
            )
        reopening = SettlementReopening(settlement=settlement, reason=reason, requested_by=user)
        reopening._history_user = user
        reopening._change_reason = reason[:100]
        reopening.save()
        _notify(
            _head_office_users(),
            _("Reopening of the settled month %(s)s asked") % {"s": settlement},
            reason,
            settlement,
            f"settlementreopening:{reopening.pk}:requested",
        )
    return reopening


def _decided_already(reopening: SettlementReopening) -> None:
    if reopening.state == ReopeningState.APPROVED:
        raise AlreadyApproved(
            _("This reopening was already approved by %(name)s at %(when)s.")
            % {"name": _who(reopening.decided_by), "when": _when(reopening.decided_at)}
        )
    if reopening.state == ReopeningState.REFUSED:
        raise ReopeningConflict(
            _("This reopening was already refused by %(name)s at %(when)s.")
            % {"name": _who(reopening.decided_by), "when": _when(reopening.decided_at)}
        )


def _decider_check(reopening: SettlementReopening, user) -> None:
    if not user_is_hq(user):
        raise ReopeningRefused(_("Only head office (HQ) can decide on reopening a settled month."))
    if reopening.requested_by_id == user.pk:
        raise ReopeningRefused(_("The person who asked to reopen the month cannot decide on it."))


def _locked(reopening: SettlementReopening) -> SettlementReopening:
    return (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join (decided_by).
        SettlementReopening.objects.select_for_update(of=("self",))
        .select_related("decided_by", "requested_by")
        .get(pk=reopening.pk)
    )


def reopening_approve(
    reopening: SettlementReopening, *, user, note: str = ""
) -> SettlementReopening:
    """SCR-07: head office approves; the month is open again. The approval it undoes, the sheet
    as approved and the fines taken back from the fund are kept on the request."""
    with transaction.atomic():
        reopening = _locked(reopening)
        _decided_already(reopening)
        _decider_check(reopening, user)
        settlement = Settlement.objects.select_for_update().get(pk=reopening.settlement_id)
        if settlement.state != SettlementState.SETTLED:
            raise ReopeningConflict(_("The month is no longer settled; nothing to reopen."))
        reopening.undone_approved_by_id = settlement.approved_by_id
        reopening.undone_approved_at = settlement.approved_at
        reopening.sheet_before = [
            [line.employee.number, line.employee.name, line.final_score, str(line.net_amount)]
            for line in settlement.lines.select_related("employee").order_by("employee__number")
        ]
        reopening.fund_taken_back = _fund_take_back(settlement, user)
        settlement.unfreeze()
        SettlementLine.objects.filter(settlement=settlement).delete()
        settlement.round += 1
        settlement.submitted_by = settlement.submitted_at = None
        settlement.approved_by = settlement.approved_at = None
        settlement.ledger_mark = ""
        settlement._history_user = user
        settlement._change_reason = (
            _("Reopened with HQ's approval: %(r)s") % {"r": reopening.reason}
        )[:100]
        settlement.save(
            update_fields=[
                "state",
                "round",
                "submitted_by",
                "submitted_at",
                "approved_by",
                "approved_at",
                "ledger_mark",
            ]
        )
        reopening.approve()
        reopening.decided_by, reopening.decided_at = user, timezone.now()
        reopening.decision_note = note
        reopening._history_user = user
        reopening.save(
            update_fields=[
                "state",
                "decided_by",
                "decided_at",
                "decision_note",
                "undone_approved_by",
                "undone_approved_at",
                "sheet_before",
                "fund_taken_back",
            ]
        )
        _notify_decided(reopening, settlement, note)
    return reopening


def reopening_refuse(reopening: SettlementReopening, *, user, note: str) -> SettlementReopening:
    """SCR-07: head office refuses, saying why; the month stays settled."""
    note = (note or "").strip()
    with transaction.atomic():
        reopening = _locked(reopening)
        _decided_already(reopening)
        _decider_check(reopening, user)
        if not note:
            raise ScoringError(_("Say why the reopening is refused."))
        reopening.refuse()
        reopening.decided_by, reopening.decided_at = user, timezone.now()
        reopening.decision_note = note
        reopening._history_user = user
        reopening.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        _notify_decided(reopening, reopening.settlement, note)
    return reopening


def _fund_take_back(settlement: Settlement, user) -> Decimal:
    """SCR-06: the fines this round of the settlement credited leave the fund again (one
    negative entry per person), so the next approval credits the new figures."""
    credited = list(
        FundEntry.objects.filter(settlement=settlement, round=settlement.round)
        .exclude(kind=FundKind.REOPENED)
        .values("employee_id")
        .annotate(total=Sum("amount"))
        .order_by("employee_id")
    )
    entries = [
        FundEntry(
            department_id=settlement.department_id,
            kind=FundKind.REOPENED,
            amount=-row["total"],
            settlement=settlement,
            employee_id=row["employee_id"],
            note=settlement.month.strftime("%Y-%m"),
            round=settlement.round,
            created_by=user,
        )
        for row in credited
        if row["total"]
    ]
    FundEntry.objects.bulk_create(entries)
    return sum((row["total"] for row in credited), Decimal("0"))


def _head_office_users():
    return [
        e.user
        for e in Employee.objects.select_related("user").filter(
            position__in=HEAD_OFFICE, is_active=True, user__is_active=True
        )
    ]


def _notify_decided(reopening: SettlementReopening, settlement: Settlement, note: str) -> None:
    supervisors = Employee.objects.select_related("user").filter(
        department_id=settlement.department_id,
        position__in=DEPARTMENT_SUPERVISORS,
        is_active=True,
    )
    _notify(
        [reopening.requested_by, *(s.user for s in supervisors)],
        _("Reopening of %(s)s: %(state)s")
        % {"s": settlement, "state": reopening.get_state_display()},
        note,
        settlement,
        f"settlementreopening:{reopening.pk}:decided",
    )


def _notify(users, subject: str, body: str, settlement: Settlement, key: str) -> None:
    from courier.core.services.notifications import notification_send

    notification_send(
        [u for u in users if u is not None],
        subject,
        body,
        link=reverse("scoring:settlement", args=[settlement.pk]),
        dedupe_key=key,
    )
