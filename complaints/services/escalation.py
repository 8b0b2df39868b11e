"""Escalation and the SLA sweep (CMP-03/04/05 enforcement).

The sweep finds due complaints through the partial index on ``next_check_at`` and locks them with
``SELECT ... FOR UPDATE SKIP LOCKED`` in batches, so any number of concurrent sweeps (a duplicate
delivery, two beats, a catch-up after downtime) each take different rows. Under the lock the due
actions are computed again from the row (``rules.due_actions``); acting moves ``next_check_at``
forward, so the same deadline is never acted on twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from complaints import rules
from complaints.models import (
    LEVEL_GROUPS,
    Complaint,
    ComplaintSettings,
    Escalation,
    EscalationTrigger,
    Level,
)

from .common import (
    ComplaintError,
    clock_of,
    complaint_lock,
    complaint_save,
    deadlines_recompute,
    next_check_refresh,
    now,
    require_reason,
)
from .outbound import complaint_link, staff_notify, status_changed_emit, users_in_groups


def escalation_target(c: Complaint, to_level: int):
    """The named person at ``to_level``: up the current holder's line of direct supervisors
    (staffing), one step per level; or ``None`` and the role groups to notify instead."""
    named = c.escalated_to or c.assigned_agent
    for _step in range(to_level - c.escalation_level):
        named = named.supervisor if named is not None else None
    if named is not None and not named.is_active:
        named = None
    return named, LEVEL_GROUPS[to_level]


def escalate_locked(
    c: Complaint,
    *,
    trigger: str,
    user,
    reason: str,
    at: dt.datetime,
    deadline=None,
    to_level: int | None = None,
) -> Escalation:
    """Escalate the locked complaint (one level by default): ledger row, new clock, notice."""
    to_level = to_level or rules.next_level(c.escalation_level)
    if to_level is None:
        raise ComplaintError(_("The complaint is already at the highest level (HQ)."))
    if not c.escalation_level < to_level <= rules.MAX_LEVEL:
        raise ComplaintError(_("Escalate to a higher level than the current one."))
    named, groups = escalation_target(c, to_level)
    entry = Escalation.objects.create(
        complaint=c,
        from_level=c.escalation_level,
        to_level=to_level,
        trigger=trigger,
        deadline=deadline,
        escalated_at=at,
        to_employee=named,
        to_groups="" if named else ",".join(groups),
        reason=reason,
        created_by=user,
    )
    c.escalation_level = to_level
    c.escalated_to = named
    c.escalated_at = at
    fields = ["escalation_level", "escalated_to", "escalated_at"]
    if trigger == EscalationTrigger.RESPONSE_BREACH:
        c.response_breaches += 1
        fields.append("response_breaches")
    elif trigger == EscalationTrigger.RESOLUTION_BREACH:
        c.resolution_breaches += 1
        fields.append("resolution_breaches")
    fields += deadlines_recompute(c, restart_at=at)
    complaint_save(c, user, f"escalated to level {to_level}: {trigger}", fields)
    recipients = [named.user] if named else users_in_groups(groups)
    level_name = Level(to_level).label
    staff_notify(
        recipients,
        _("Complaint #%(pk)s escalated to you (%(level)s)") % {"pk": c.pk, "level": level_name},
        _("%(trigger)s. %(reason)s Respond by %(respond)s, solve by %(resolve)s.")
        % {
            "trigger": EscalationTrigger(trigger).label,
            "reason": reason,
            "respond": c.respond_by or "-",
            "resolve": c.resolve_by or "-",
        },
        link=complaint_link(c),
        dedupe_key=f"complaint:{c.pk}:escalated:{to_level}",
    )
    return entry


def complaint_escalate(complaint, *, user, reason: str, to_level: int | None = None) -> Complaint:
    """Staff escalate by hand, one level or straight to ``to_level`` (CMP-05: a serious problem
    that cannot be solved goes to the platform supervisor, level 2)."""
    reason = require_reason(reason)
    with transaction.atomic():
        c = complaint_lock(complaint)
        if not c.is_open:
            raise ComplaintError(_("The complaint is no longer open."))
        if user is not None and not user.has_perm("complaints.handle_complaint"):
            raise ComplaintError(_("You do not have permission for this step."))
        escalate_locked(
            c,
            trigger=EscalationTrigger.MANUAL,
            user=user,
            reason=reason,
            at=now(),
            to_level=to_level,
        )
        status_changed_emit(c)
    return c


def _warn(c: Complaint, milestone: str, at: dt.datetime) -> None:
    holder = c.escalated_to or c.assigned_agent
    recipients = [holder.user] if holder else users_in_groups(LEVEL_GROUPS[1])
    deadline = c.respond_by if milestone == "response" else c.resolve_by
    staff_notify(
        recipients,
        _("Complaint #%(pk)s: %(milestone)s due at %(deadline)s")
        % {"pk": c.pk, "milestone": milestone, "deadline": deadline},
        _("Most of the time allowed has passed; act before the deadline or it escalates."),
        link=complaint_link(c),
        dedupe_key=f"complaint:{c.pk}:warn:{milestone}:{int(c.clock_started_at.timestamp())}",
    )


def _breach_at_top(c: Complaint, milestone: str, at: dt.datetime) -> list[str]:
    if milestone == "response":
        c.response_breached_at, c.response_breaches = at, c.response_breaches + 1
        fields = ["response_breached_at", "response_breaches"]
    else:
        c.resolution_breached_at, c.resolution_breaches = at, c.resolution_breaches + 1
        fields = ["resolution_breached_at", "resolution_breaches"]
    recipients = users_in_groups(LEVEL_GROUPS[rules.MAX_LEVEL])
    if c.escalated_to is not None:
        recipients.append(c.escalated_to.user)
    staff_notify(
        recipients,
        _("Complaint #%(pk)s missed its %(milestone)s deadline at HQ level")
        % {"pk": c.pk, "milestone": milestone},
        "",
        link=complaint_link(c),
        dedupe_key=f"complaint:{c.pk}:breach:{milestone}:{int(c.clock_started_at.timestamp())}",
    )
    return fields


def sweep_one(c: Complaint, at: dt.datetime, cfg: ComplaintSettings) -> list[str]:
    """Act on one locked complaint; returns the actions taken."""
    actions = rules.due_actions(clock_of(c), at, cfg.warning_percent) if c.is_open else []
    fields: list[str] = []
    for action in actions:
        kind, milestone = action.split("_", 1)
        if kind == "warn":
            setattr(c, f"{milestone}_warned_at", at)
            fields.append(f"{milestone}_warned_at")
            _warn(c, milestone, at)
        elif kind == "breach":
            fields += _breach_at_top(c, milestone, at)
        else:
            trigger = f"{milestone}_breach"
            deadline = c.respond_by if milestone == "response" else c.resolve_by
            escalate_locked(
                c,
                trigger=trigger,
                user=None,
                reason=str(EscalationTrigger(trigger).label),
                at=at,
                deadline=deadline,
            )
            status_changed_emit(c)
    escalated = any(a.startswith("escalate") for a in actions)
    if fields or not escalated:
        fields += next_check_refresh(c, cfg)
        complaint_save(c, None, ",".join(actions) or "sla check", fields)
    return actions


def sla_sweep(*, at: dt.datetime | None = None, batch_size: int | None = None) -> dict:
    """Warn and escalate every due complaint once; safe to run concurrently and repeatedly."""
    cfg = ComplaintSettings.load()
    batch_size = batch_size or cfg.sweep_batch_size
    counts = {"checked": 0, "warned": 0, "escalated": 0, "breached": 0}
    for _batch in range(cfg.sweep_max_batches):
        moment = at or now()
        with transaction.atomic():
            rows = list(
                Complaint.objects.select_for_update(skip_locked=True)
                .filter(next_check_at__lte=moment)
                .order_by("next_check_at")[:batch_size]
            )
            for c in rows:
                counts["checked"] += 1
                for action in sweep_one(c, moment, cfg):
                    key = {"warn": "warned", "escalate": "escalated", "breach": "breached"}
                    counts[key[action.split("_", 1)[0]]] += 1
        if len(rows) < batch_size:
            break
    from .followup import work_orders_overdue_notify

    counts["work_orders_overdue"] = work_orders_overdue_notify(at=at)
    return counts
