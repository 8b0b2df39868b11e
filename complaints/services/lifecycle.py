"""Every step of a complaint's life (CMP-01..07): one service per transition.

Each service locks the row, re-checks the transition and the person's permission under the lock,
changes state, writes one history row with the reason, and queues follow-up work after commit.
Two people pressing the same button at once: the first wins, the second gets ``TransitionConflict``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from complaints import rules
from complaints.models import (
    CancelReason,
    Complaint,
    ComplaintAttachment,
    ComplaintSettings,
    EscalationTrigger,
    Kind,
    Milestone,
    Severity,
    SlaMilestone,
    State,
)

from .common import (
    ComplaintError,
    complaint_lock,
    complaint_save,
    deadlines_recompute,
    holder_deadlines_start,
    next_check_refresh,
    now,
    pause_end,
    pause_start,
    require_reason,
    transition_check,
)
from .mail import solution_mail_queue_after_commit
from .outbound import status_changed_emit


def complaint_create(
    *,
    user,
    channel: str,
    customer_name: str,
    description: str,
    category: str,
    kind: str = Kind.COMPLAINT,
    severity: str = Severity.ORDINARY,
    customer_phone: str = "",
    customer_email: str = "",
    partner=None,
    shipment=None,
    assigned_agent=None,
    received_at=None,
    attachments=(),
) -> Complaint:
    """CMP-01: record content, time and the customer's contact; deadlines set from the policy."""
    if not (customer_phone or customer_email):
        raise ComplaintError(_("Record the customer's phone or email."))
    if shipment is not None and partner is not None and shipment.partner_id != partner.pk:
        raise ComplaintError(_("The shipment does not belong to this partner."))
    if shipment is not None and partner is None:
        partner = shipment.partner
    moment = received_at or now()
    complaint = Complaint(
        channel=channel,
        customer_name=customer_name.strip(),
        customer_phone=customer_phone.strip(),
        customer_email=customer_email.strip(),
        description=(description or "").strip(),
        category=category,
        kind=kind,
        severity=severity,
        partner=partner,
        assigned_agent=assigned_agent,
        received_at=moment,
        clock_started_at=moment,
        created_by=user,
    )
    if shipment is not None:
        complaint.shipment = shipment
    try:
        complaint.full_clean(exclude=["state"])
    except ValidationError as exc:
        raise ComplaintError(exc.message_dict)
    with transaction.atomic():
        deadlines_recompute(complaint)
        complaint._history_user = user
        complaint._change_reason = "received"
        complaint.save()
        for upload in attachments:
            ComplaintAttachment.objects.create(complaint=complaint, file=upload, uploaded_by=user)
        status_changed_emit(complaint)
    return complaint


def _milestone_record(complaint: Complaint, milestone: str, due_at, at) -> SlaMilestone:
    """CMP-03/04: measured against the promise to the customer (``due_at``), which escalation
    never moves; a holder missing only an internal deadline does not make it breached."""
    breached = (
        complaint.response_breached_at
        if milestone == Milestone.RESPONSE
        else complaint.resolution_breached_at
    )
    paused = complaint.paused_seconds if milestone == Milestone.RESOLUTION else 0
    return SlaMilestone.objects.create(
        complaint=complaint,
        milestone=milestone,
        due_at=due_at,
        done_at=at,
        minutes_taken=rules.active_minutes(complaint.received_at, at, paused),
        met=breached is None and (due_at is None or at <= due_at),
    )


def complaint_accept(complaint, *, user, reason: str = "", expected_state=None) -> Complaint:
    """The first response to the customer: the response milestone is met or breached."""
    with transaction.atomic():
        c = complaint_lock(complaint)
        transition_check(c, "accept", user, expected_state)
        at = now()
        c.accept()
        c.responded_at = at
        _milestone_record(c, Milestone.RESPONSE, c.respond_by, at)
        fields = ["state", "responded_at", *next_check_refresh(c)]
        complaint_save(c, user, reason or "accepted", fields)
        status_changed_emit(c)
    return c


def complaint_investigate(complaint, *, user, reason: str = "", expected_state=None) -> Complaint:
    with transaction.atomic():
        c = complaint_lock(complaint)
        transition_check(c, "investigate", user, expected_state)
        c.investigate()
        complaint_save(c, user, reason or "investigating", ["state"])
        status_changed_emit(c)
    return c


def complaint_findings_record(
    complaint, *, user, findings: str, department=None, employee=None
) -> Complaint:
    """CMP-06: the facts established and the responsible department or person."""
    findings = (findings or "").strip()
    if not findings:
        raise ComplaintError(_("Write down the findings."))
    if department is None and employee is None:
        raise ComplaintError(_("Name the responsible department or person."))
    with transaction.atomic():
        c = complaint_lock(complaint)
        if c.state != State.INVESTIGATING:
            raise ComplaintError(_("Findings are recorded while the complaint is investigated."))
        c.findings = findings
        c.responsible_department = department or (employee.department if employee else None)
        c.responsible_employee = employee
        complaint_save(
            c, user, "findings", ["findings", "responsible_department", "responsible_employee"]
        )
    return c


def complaint_solution_propose(complaint, *, user, solution: str, expected_state=None) -> Complaint:
    solution = (solution or "").strip()
    if not solution:
        raise ComplaintError(_("Describe the proposed solution."))
    with transaction.atomic():
        c = complaint_lock(complaint)
        transition_check(c, "propose_solution", user, expected_state)
        if not c.findings:
            raise ComplaintError(_("Record the investigation's findings first (CMP-06)."))
        c.propose_solution()
        c.solution = solution
        complaint_save(c, user, "solution proposed", ["state", "solution"])
    return c


def complaint_solution_send(complaint, *, user, expected_state=None) -> Complaint:
    """CMP-07: the result and the proposed handling go to the customer and the merchant; the
    solution clock pauses until the customer answers."""
    with transaction.atomic():
        c = complaint_lock(complaint)
        transition_check(c, "send_solution", user, expected_state)
        at = now()
        c.send_solution()
        c.solution_sent_at = at
        c.feedback_accepted = None
        fields = ["state", "solution_sent_at", "feedback_accepted", *pause_start(c, at)]
        fields += next_check_refresh(c)
        complaint_save(c, user, "solution sent to customer and merchant", fields)
        status_changed_emit(c)
        solution_mail_queue_after_commit(c.pk)  # never raises; the dispatcher retries
    return c


def complaint_feedback_record(
    complaint, *, user, accepted: bool, comment: str = "", expected_state=None, partner=None
) -> Complaint:
    """CMP-07: accepted → closed (or rectification first); rejected → reopened and escalated.
    ``partner``: the merchant answers for its customer through the API (its own complaints only,
    no staff permission needed)."""
    from .escalation import escalate_locked
    from .surveys import survey_create

    if not accepted and not (comment or "").strip():
        raise ComplaintError(_("Say why the customer rejected the solution."))
    with transaction.atomic():
        c = complaint_lock(complaint)
        if partner is not None and c.partner_id != partner.pk:
            raise ComplaintError(_("The complaint does not exist."))
        step = "feedback_accept" if accepted else "feedback_reject"
        transition_check(c, step, None if partner is not None else user, expected_state)
        at = now()
        fields = ["state", "feedback_accepted", "feedback_comment", "feedback_at"]
        fields += pause_end(c, at)
        c.feedback_accepted, c.feedback_comment, c.feedback_at = accepted, comment.strip(), at
        if accepted:
            c.resolved_at = at
            _milestone_record(c, Milestone.RESOLUTION, c.resolve_by, at)
            fields.append("resolved_at")
            rectification = getattr(c, "rectification", None)
            if rectification is not None and rectification.state != "evaluated":
                c.rectify()
            else:
                c.feedback_accept()
                c.closed_at = at
                fields.append("closed_at")
            fields += next_check_refresh(c)
            complaint_save(c, user, "customer accepted the solution", fields)
            if c.state == State.CLOSED:
                survey_create(c)
        else:
            c.feedback_reject()
            fields += next_check_refresh(c)
            complaint_save(c, user, "customer rejected the solution", fields)
            if c.escalation_level < rules.MAX_LEVEL:
                escalate_locked(
                    c,
                    trigger=EscalationTrigger.FEEDBACK_REJECTED,
                    user=user,
                    reason=comment,
                    at=at,
                )
            else:
                # At HQ: HQ gets a new window of its own; the customer's promise stays.
                fields = holder_deadlines_start(c, at) + next_check_refresh(c)
                complaint_save(c, user, "reopened at HQ level", fields)
        status_changed_emit(c)
    return c


def complaint_close(complaint, *, user, reason: str = "", expected_state=None) -> Complaint:
    """From rectification: closed only once the rectification's effect was evaluated (CMP-08)."""
    from .surveys import survey_create

    with transaction.atomic():
        c = complaint_lock(complaint)
        transition_check(c, "close", user, expected_state)
        rectification = getattr(c, "rectification", None)
        if rectification is None or rectification.state != "evaluated":
            raise ComplaintError(_("Evaluate the rectification's effect before closing."))
        c.close()
        c.closed_at = now()
        complaint_save(c, user, reason or "closed", ["state", "closed_at", *next_check_refresh(c)])
        survey_create(c)
        status_changed_emit(c)
    return c


def complaint_reopen(complaint, *, user, reason: str, expected_state=None) -> Complaint:
    """Reopen a closed complaint within the set number of days; a new solution clock starts."""
    reason = require_reason(reason)
    with transaction.atomic():
        c = complaint_lock(complaint)
        transition_check(c, "reopen", user, expected_state)
        cfg = ComplaintSettings.load()
        at = now()
        if not rules.reopen_allowed(c.closed_at, at, cfg.reopen_days):
            raise ComplaintError(
                _("A complaint can be reopened within %(days)s days of closing.")
                % {"days": cfg.reopen_days}
            )
        c.reopen()
        c.reopen_count += 1
        c.resolved_at = c.closed_at = None
        fields = ["state", "reopen_count", "resolved_at", "closed_at"]
        fields += deadlines_recompute(c, cfg, restart_at=at)
        complaint_save(c, user, f"reopened: {reason}", fields)
        status_changed_emit(c)
    return c


def complaint_cancel(
    complaint, *, user, cancel_reason: str, note: str, expected_state=None
) -> Complaint:
    """Cancel as a duplicate or withdrawn, with the reason written down."""
    note = require_reason(note)
    if cancel_reason not in CancelReason.values:
        raise ComplaintError(_("Choose duplicate or withdrawn."))
    with transaction.atomic():
        c = complaint_lock(complaint)
        transition_check(c, "cancel", user, expected_state)
        at = now()
        fields = pause_end(c, at)
        c.cancel()
        c.cancel_reason = cancel_reason
        c.closed_at = at
        fields += ["state", "cancel_reason", "closed_at", *next_check_refresh(c)]
        complaint_save(c, user, f"cancelled ({cancel_reason}): {note}", fields)
        status_changed_emit(c)
    return c


def complaint_severity_change(complaint, *, user, severity: str, reason: str) -> Complaint:
    """Deadlines follow the new severity from the same clock start."""
    reason = require_reason(reason)
    if severity not in Severity.values:
        raise ComplaintError(_("Unknown severity."))
    with transaction.atomic():
        c = complaint_lock(complaint)
        if not c.is_open:
            raise ComplaintError(_("The complaint is no longer open."))
        if user is not None and not user.has_perm("complaints.handle_complaint"):
            raise ComplaintError(_("You do not have permission for this step."))
        if c.severity == severity:
            return c
        c.severity = severity
        complaint_save(
            c, user, f"severity → {severity}: {reason}", ["severity", *deadlines_recompute(c)]
        )
    return c


def complaint_assign(complaint, *, user, agent, reason: str = "") -> Complaint:
    with transaction.atomic():
        c = complaint_lock(complaint)
        if not c.is_open:
            raise ComplaintError(_("The complaint is no longer open."))
        if agent is not None and not agent.is_active:
            raise ComplaintError(_("This employee is not active."))
        c.assigned_agent = agent
        complaint_save(c, user, reason or "assigned", ["assigned_agent"])
    return c
