"""Escalation and the SLA sweep (CMP-03/04/05 enforcement).

The sweep finds due complaints through the partial index on ``next_check_at`` and acts on each
in its own transaction, locking it with ``SELECT ... FOR UPDATE SKIP LOCKED`` (the complaint row
only, with its people and partner joined), so any number of concurrent sweeps (a duplicate
delivery, two beats, a catch-up after downtime) each take different rows. Under the lock the due
actions are computed again from the row (``rules.due_actions``); acting moves ``next_check_at``
forward, so the same deadline is never acted on twice. Settings, SLA policies and webhook
endpoints are loaded once per sweep (``SweepContext``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from complaints import rules
from complaints.models import (
    LEVEL_GROUPS,
    Complaint,
    ComplaintSettings,
    Escalation,
    EscalationTrigger,
    Level,
    Milestone,
)

from .common import (
    ComplaintError,
    clock_of,
    complaint_lock,
    complaint_save,
    holder_deadlines_start,
    holder_started_at,
    next_check_refresh,
    now,
    require_reason,
)
from .outbound import (
    complaint_link,
    local_time,
    notice_language,
    staff_notify,
    status_changed_emit,
    users_in_groups,
)

logger = logging.getLogger("complaints")


def escalation_target(c: Complaint, to_level: int):
    """The named person at ``to_level``: up the current holder's line of direct supervisors
    (staffing), one step per level; or ``None`` and the role groups to notify instead."""
    named = c.escalated_to or c.assigned_agent
    for _step in range(to_level - c.escalation_level):
        named = named.supervisor if named is not None else None
    if named is not None and not named.is_active:
        named = None
    return named, LEVEL_GROUPS[to_level]


def promise_text(c: Complaint) -> str:
    """The customer's promise as the holder reads it: the deadlines still open, in local time,
    marked when breached (the notices and the admin's change page show it)."""
    parts = []
    for milestone, deadline, breached, done in (
        (Milestone.RESPONSE, c.respond_by, c.response_breached_at, c.responded_at),
        (Milestone.RESOLUTION, c.resolve_by, c.resolution_breached_at, c.resolved_at),
    ):
        if deadline is None or done is not None:
            continue
        text = _("%(milestone)s by %(deadline)s") % {
            "milestone": Milestone(milestone).label,
            "deadline": local_time(deadline),
        }
        if breached is not None:
            text = _("%(deadline)s (breached)") % {"deadline": text}
        parts.append(text)
    if not parts:
        return ""
    return _("Promised to the customer: %(deadlines)s.") % {"deadlines": _("; ").join(parts)}


def escalate_locked(
    c: Complaint,
    *,
    trigger: str,
    user,
    reason: str,
    at: dt.datetime,
    deadline=None,
    to_level: int | None = None,
    cfg: ComplaintSettings | None = None,
    policies: dict | None = None,
    extra_fields: list[str] | None = None,
) -> Escalation:
    """Escalate the locked complaint (one level by default): ledger row, the new holder's
    internal deadlines, notice. The promise to the customer (respond_by / resolve_by) is not
    moved. ``extra_fields``: fields the caller changed, saved in the same update."""
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
    fields = ["escalation_level", "escalated_to", "escalated_at", *(extra_fields or [])]
    if trigger == EscalationTrigger.RESPONSE_BREACH:
        c.response_breaches += 1
        fields.append("response_breaches")
    elif trigger == EscalationTrigger.RESOLUTION_BREACH:
        c.resolution_breaches += 1
        fields.append("resolution_breaches")
    fields += holder_deadlines_start(c, at, cfg, policies=policies)
    fields += next_check_refresh(c, cfg)
    complaint_save(c, user, f"escalated to level {to_level}: {trigger}", fields)
    recipients = [named.user] if named else users_in_groups(groups)
    with notice_language():
        level_name = Level(to_level).label
        body = _("%(trigger)s. %(reason)s Respond by %(respond)s, solve by %(resolve)s.") % {
            "trigger": EscalationTrigger(trigger).label,
            "reason": reason,
            "respond": local_time(c.holder_respond_by),
            "resolve": local_time(c.holder_resolve_by),
        }
        promise = promise_text(c)
        staff_notify(
            recipients,
            _("Complaint #%(pk)s escalated to you (%(level)s)") % {"pk": c.pk, "level": level_name},
            f"{body} {promise}".strip(),
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


def _holder_recipients(c: Complaint) -> list:
    holder = c.escalated_to or (c.assigned_agent if c.escalation_level == 0 else None)
    if holder is not None:
        return [holder.user]
    return users_in_groups(LEVEL_GROUPS[max(1, c.escalation_level)])


def _window_key(c: Complaint) -> int:
    """One warning per milestone per holder window (a new holder is warned afresh)."""
    started = holder_started_at(c) if c.escalation_level > 0 else None
    return int((started or c.clock_started_at).timestamp())


def _warn(c: Complaint, milestone: str, at: dt.datetime) -> None:
    deadline = clock_of(c).working_deadline(milestone)
    with notice_language():
        staff_notify(
            _holder_recipients(c),
            _("Complaint #%(pk)s: %(milestone)s due at %(deadline)s")
            % {
                "pk": c.pk,
                "milestone": Milestone(milestone).label,
                "deadline": local_time(deadline),
            },
            _("Most of the time allowed has passed; act before the deadline or it escalates."),
            link=complaint_link(c),
            dedupe_key=f"complaint:{c.pk}:warn:{milestone}:{_window_key(c)}",
        )


def _promise_breach(c: Complaint, milestone: str, at: dt.datetime, *, notify: bool) -> list[str]:
    """CMP-03/04/05: the promise to the customer passed unmet: recorded once (shown and
    counted as breached); the holder is told unless an escalation notice in the same step
    already says so."""
    setattr(c, f"{milestone}_breached_at", at)
    if notify:
        deadline = c.respond_by if milestone == Milestone.RESPONSE else c.resolve_by
        with notice_language():
            staff_notify(
                _holder_recipients(c),
                _("Complaint #%(pk)s breached: %(milestone)s was promised by %(deadline)s")
                % {
                    "pk": c.pk,
                    "milestone": Milestone(milestone).label,
                    "deadline": local_time(deadline),
                },
                promise_text(c),
                link=complaint_link(c),
                dedupe_key=f"complaint:{c.pk}:breach:{milestone}:{int(deadline.timestamp())}",
            )
    return [f"{milestone}_breached_at"]


def _hq_missed(c: Complaint, milestone: str, at: dt.datetime) -> list[str]:
    """At HQ (nobody above), HQ's own deadline passed: recorded once and HQ told."""
    if milestone == "response":
        c.response_hq_missed_at, c.response_breaches = at, c.response_breaches + 1
        fields = ["response_hq_missed_at", "response_breaches"]
    else:
        c.resolution_hq_missed_at, c.resolution_breaches = at, c.resolution_breaches + 1
        fields = ["resolution_hq_missed_at", "resolution_breaches"]
    recipients = users_in_groups(LEVEL_GROUPS[rules.MAX_LEVEL])
    if c.escalated_to is not None:
        recipients.append(c.escalated_to.user)
    with notice_language():
        staff_notify(
            recipients,
            _("Complaint #%(pk)s missed its %(milestone)s deadline at HQ level")
            % {"pk": c.pk, "milestone": Milestone(milestone).label},
            promise_text(c),
            link=complaint_link(c),
            dedupe_key=f"complaint:{c.pk}:hq-missed:{milestone}:{_window_key(c)}",
        )
    return fields


@dataclass
class SweepContext:
    """What one sweep loads once instead of once per complaint: the settings, the SLA policies
    it meets, and each partner's active webhook endpoints."""

    cfg: ComplaintSettings
    policies: dict = field(default_factory=dict)
    endpoints: dict = field(default_factory=dict)

    def endpoints_of(self, c: Complaint):
        if c.partner_id is None:
            return None
        if c.partner_id not in self.endpoints:
            from courier.core.services.webhooks import webhook_endpoints_active

            self.endpoints.update(webhook_endpoints_active([c.partner_id]))
        return self.endpoints[c.partner_id]


def sweep_one(c: Complaint, at: dt.datetime, ctx: SweepContext) -> list[str]:
    """Act on one locked complaint; returns the actions taken."""
    cfg = ctx.cfg
    actions = rules.due_actions(clock_of(c), at, cfg.warning_percent) if c.is_open else []
    escalation = next((a for a in actions if a.startswith("escalate_")), None)
    fields: list[str] = []
    for action in actions:
        kind, milestone = action.split("_", 1)
        if kind == "breach":
            fields += _promise_breach(c, milestone, at, notify=escalation is None)
        elif kind == "hqmiss":
            fields += _hq_missed(c, milestone, at)
        elif kind == "warn":
            setattr(c, f"{milestone}_warned_at", at)
            fields.append(f"{milestone}_warned_at")
            _warn(c, milestone, at)
    if escalation is not None:
        milestone = escalation.split("_", 1)[1]
        trigger = f"{milestone}_breach"
        with notice_language():
            reason = str(EscalationTrigger(trigger).label)
        escalate_locked(
            c,
            trigger=trigger,
            user=None,
            reason=reason,
            at=at,
            deadline=clock_of(c).working_deadline(milestone),
            cfg=cfg,
            policies=ctx.policies,
            extra_fields=fields,
        )
        status_changed_emit(c, endpoints=ctx.endpoints_of(c))
    else:
        fields += next_check_refresh(c, cfg)
        complaint_save(c, None, ",".join(actions) or "sla check", fields)
    return actions


# The people a sweep step reads: the holder, their supervisor (the next level's named person)
# and the users to notify, plus the partner for the webhook; one join under the row lock.
SWEEP_RELATED = (
    "assigned_agent__user",
    "assigned_agent__supervisor__user",
    "escalated_to__user",
    "escalated_to__supervisor__user",
    "partner",
)


def _sweep_lock(pk: int, moment: dt.datetime) -> Complaint | None:
    """The complaint locked for this sweep, or ``None`` when another sweep holds it or already
    acted on it (its next check moved past ``moment``)."""
    qs = Complaint.objects.select_related(*SWEEP_RELATED).filter(pk=pk, next_check_at__lte=moment)
    if connection.features.has_select_for_update_of:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    else:
        qs = qs.select_for_update(skip_locked=True)
    return qs.first()


def sla_sweep(*, at: dt.datetime | None = None, batch_size: int | None = None) -> dict:
    """Warn and escalate every due complaint once; safe to run concurrently and repeatedly.

    Each complaint is acted on in its own transaction under its row lock, so one that fails
    (logged, retried by the next sweep) neither rolls back nor holds up the others."""
    ctx = SweepContext(cfg=ComplaintSettings.load())
    batch_size = batch_size or ctx.cfg.sweep_batch_size
    counts = {
        "checked": 0,
        "warned": 0,
        "escalated": 0,
        "breached": 0,
        "hq_missed": 0,
        "failed": 0,
    }
    key = {"warn": "warned", "escalate": "escalated", "breach": "breached", "hqmiss": "hq_missed"}
    failed: set[int] = set()
    for _batch in range(ctx.cfg.sweep_max_batches):
        moment = at or now()
        due = list(
            Complaint.objects.filter(next_check_at__lte=moment)
            .exclude(pk__in=failed)
            .order_by("next_check_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        for pk in due:
            try:
                with transaction.atomic():
                    c = _sweep_lock(pk, moment)
                    if c is None:
                        continue
                    counts["checked"] += 1
                    actions = sweep_one(c, moment, ctx)
            except Exception:
                # One bad row must not stop the sweep; it stays due and is retried next run.
                logger.exception("SLA sweep failed on complaint %s", pk)
                failed.add(pk)
                counts["failed"] += 1
                continue
            for action in actions:
                counts[key[action.split("_", 1)[0]]] += 1
        if len(due) < batch_size:
            break
    from .followup import work_orders_overdue_notify

    counts["work_orders_overdue"] = work_orders_overdue_notify(at=at)
    return counts
