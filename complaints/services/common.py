"""Helpers shared by the complaint services: errors, locking, permissions, the SLA clock."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from complaints import rules
from complaints.models import Complaint, ComplaintSettings, Severity, SlaPause, SlaPolicy
from courier.core.errors import ApplicationError, StateConflict


class ComplaintError(ApplicationError):
    """Bad input or a forbidden step; the message is shown to the person as it is."""


class TransitionConflict(StateConflict, ComplaintError):
    """The complaint is no longer in a state that allows this step (someone else was faster)."""


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ComplaintError(_("Give a reason."))
    return reason


def complaint_lock(complaint_or_pk) -> Complaint:
    pk = getattr(complaint_or_pk, "pk", complaint_or_pk)
    try:
        return Complaint.objects.select_for_update().get(pk=pk)
    except Complaint.DoesNotExist:
        raise ComplaintError(_("The complaint does not exist."))


def transition_check(complaint: Complaint, name: str, user, expected_state: str | None = None):
    """Re-check under the row lock that ``user`` may run transition ``name`` now."""
    method = getattr(complaint, name)
    if expected_state is not None and complaint.state != expected_state:
        raise TransitionConflict(
            _("Complaint #%(pk)s was changed by someone else meanwhile: it is now “%(state)s”.")
            % {"pk": complaint.pk, "state": complaint.get_state_display()}
        )
    if not can_proceed(method):
        raise TransitionConflict(
            _("Complaint #%(pk)s is “%(state)s”; this step is not possible any more.")
            % {"pk": complaint.pk, "state": complaint.get_state_display()}
        )
    if user is not None and not has_transition_perm(method, user):
        raise ComplaintError(_("You do not have permission for this step."))


def complaint_save(complaint: Complaint, user, reason: str, fields: list[str]) -> None:
    """Save the named fields with one history row naming the actor and the reason."""
    complaint._history_user = user
    complaint._change_reason = reason[:100]
    complaint.save(update_fields=sorted(set(fields)))


def _policy_row(complaint: Complaint, severity: str, policies: dict | None) -> rules.Policy:
    key = (complaint.kind, severity)
    if policies is not None and key in policies:
        return policies[key]
    row = SlaPolicy.objects.filter(kind=complaint.kind, severity=severity).first()
    policy = (
        rules.Policy()
        if row is None
        else rules.Policy(
            response_minutes=row.response_minutes,
            response_same_day=row.response_same_day,
            resolution_minutes=row.resolution_minutes,
            resolution_same_day=row.resolution_same_day,
        )
    )
    if policies is not None:
        policies[key] = policy
    return policy


def policy_for(complaint: Complaint, policies: dict | None = None) -> rules.Policy:
    """CMP-03/04/05: the promise to the customer follows the complaint's own kind and severity
    (escalation does not change it).

    ``policies`` is a cache the caller keeps for the length of one unit of work (a sweep loads
    each policy row once, not once per complaint)."""
    return _policy_row(complaint, complaint.severity, policies)


def holder_policy_for(complaint: Complaint, policies: dict | None = None) -> rules.Policy:
    """CMP-03: an escalated complaint is handled as a major one: the new holder's internal
    deadlines follow the major policy of its kind."""
    return _policy_row(complaint, Severity.MAJOR, policies)


def holder_started_at(complaint: Complaint):
    """When the current holder's window started: the escalation, or a later reopening."""
    if complaint.escalated_at is None:
        return None
    return max(complaint.escalated_at, complaint.clock_started_at)


def clock_of(complaint: Complaint) -> rules.Clock:
    start = complaint.clock_started_at
    holder_start = holder_started_at(complaint) if complaint.escalation_level > 0 else None
    if holder_start is not None and complaint.holder_respond_by is not None:
        response_allowed = rules.allowed_seconds(holder_start, complaint.holder_respond_by)
    else:
        response_allowed = rules.allowed_seconds(start, complaint.respond_by)
    if holder_start is not None and complaint.holder_resolve_by is not None:
        resolution_allowed = rules.allowed_seconds(
            holder_start, complaint.holder_resolve_by, complaint.holder_paused_seconds
        )
    else:
        resolution_allowed = rules.allowed_seconds(
            start, complaint.resolve_by, complaint.paused_seconds
        )
    return rules.Clock(
        respond_by=complaint.respond_by,
        resolve_by=complaint.resolve_by,
        response_allowed_seconds=response_allowed,
        resolution_allowed_seconds=resolution_allowed,
        responded=complaint.responded_at is not None,
        resolved=complaint.resolved_at is not None or not complaint.is_open,
        paused=complaint.paused_since is not None,
        response_warned=complaint.response_warned_at is not None,
        resolution_warned=complaint.resolution_warned_at is not None,
        response_breached=complaint.response_breached_at is not None,
        resolution_breached=complaint.resolution_breached_at is not None,
        level=complaint.escalation_level,
        holder_respond_by=complaint.holder_respond_by,
        holder_resolve_by=complaint.holder_resolve_by,
        response_hq_missed=complaint.response_hq_missed_at is not None,
        resolution_hq_missed=complaint.resolution_hq_missed_at is not None,
    )


def next_check_refresh(complaint: Complaint, cfg: ComplaintSettings | None = None) -> list[str]:
    cfg = cfg or ComplaintSettings.load()
    if not complaint.is_open:
        complaint.next_check_at = None
    else:
        complaint.next_check_at = rules.next_check_at(clock_of(complaint), cfg.warning_percent)
    return ["next_check_at"]


def deadlines_recompute(
    complaint: Complaint,
    cfg: ComplaintSettings | None = None,
    *,
    restart_at=None,
    policies: dict | None = None,
) -> list[str]:
    """Set the promise (respond_by / resolve_by) from the complaint's own policy, from the start
    of its clock. ``restart_at`` starts a new promise cycle (a reopened complaint): its
    warnings and breach marks are cleared, and an escalated complaint's holder gets a new
    window too. Escalation itself never calls this (see ``holder_deadlines_start``)."""
    cfg = cfg or ComplaintSettings.load()
    changed = ["respond_by", "resolve_by", "clock_started_at", "paused_seconds"]
    if restart_at is not None:
        complaint.clock_started_at = restart_at
        complaint.paused_seconds = 0
        complaint.response_warned_at = complaint.resolution_warned_at = None
        complaint.response_breached_at = complaint.resolution_breached_at = None
        changed += [
            "response_warned_at",
            "resolution_warned_at",
            "response_breached_at",
            "resolution_breached_at",
        ]
    policy = policy_for(complaint, policies)
    respond_by, resolve_by = rules.deadlines(
        policy,
        complaint.clock_started_at,
        paused_seconds=complaint.paused_seconds,
        tz=settings.TIME_ZONE,
        cutoff=cfg.same_day_cutoff,
    )
    if complaint.responded_at is None:
        complaint.respond_by = respond_by
    complaint.resolve_by = resolve_by
    if restart_at is not None and complaint.escalation_level > 0:
        changed += holder_deadlines_start(complaint, restart_at, cfg, policies=policies)
    return changed + next_check_refresh(complaint, cfg)


def holder_deadlines_start(
    complaint: Complaint,
    at: dt.datetime,
    cfg: ComplaintSettings | None = None,
    *,
    policies: dict | None = None,
) -> list[str]:
    """CMP-03: the (new) holder's internal deadlines, by the major policy from ``at``; their
    warnings and HQ marks start afresh. The promise (respond_by / resolve_by) is not touched."""
    cfg = cfg or ComplaintSettings.load()
    respond_by, resolve_by = rules.deadlines(
        holder_policy_for(complaint, policies),
        at,
        tz=settings.TIME_ZONE,
        cutoff=cfg.same_day_cutoff,
    )
    complaint.holder_respond_by = respond_by if complaint.responded_at is None else None
    complaint.holder_resolve_by = resolve_by
    complaint.holder_paused_seconds = 0
    complaint.response_warned_at = complaint.resolution_warned_at = None
    complaint.response_hq_missed_at = complaint.resolution_hq_missed_at = None
    return [
        "holder_respond_by",
        "holder_resolve_by",
        "holder_paused_seconds",
        "response_warned_at",
        "resolution_warned_at",
        "response_hq_missed_at",
        "resolution_hq_missed_at",
    ]


def pause_start(complaint: Complaint, now: dt.datetime) -> list[str]:
    if complaint.paused_since is None:
        complaint.paused_since = now
        SlaPause.objects.create(complaint=complaint, started_at=now)
    return ["paused_since"]


def pause_end(complaint: Complaint, now: dt.datetime) -> list[str]:
    """The pause ends: both solution deadlines (the promise and the holder's) move back by the
    paused time inside their windows."""
    if complaint.paused_since is None:
        return []
    SlaPause.objects.filter(complaint=complaint, ended_at__isnull=True).update(ended_at=now)
    pauses = list(complaint.pauses.values_list("started_at", "ended_at"))
    complaint.paused_since = None
    complaint.paused_seconds = rules.paused_seconds_between(pauses, complaint.clock_started_at, now)
    fields = ["paused_since"]
    holder_start = holder_started_at(complaint)
    if complaint.holder_resolve_by is not None and holder_start is not None:
        held = rules.paused_seconds_between(pauses, holder_start, now)
        complaint.holder_resolve_by += dt.timedelta(seconds=held - complaint.holder_paused_seconds)
        complaint.holder_paused_seconds = held
        fields += ["holder_resolve_by", "holder_paused_seconds"]
    return fields + deadlines_recompute(complaint)


def now() -> dt.datetime:
    return timezone.now()
