"""Which steps a person may take on a complaint or an incident now (read-only predicates).

The admin offers exactly these as buttons; each step's service re-checks under the row lock,
so a stale page is refused there with a clear message.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from complaints import rules
from complaints.models import Complaint, Incident, IncidentReport, Rectification, State
from complaints.models.complaint import HANDLE, SUPERVISE

from .common import TransitionConflict

# Entered by the service when a rectification is opened, never pressed as a button.
AUTOMATIC_TRANSITIONS = frozenset({"rectify"})
# A verdict is decided (or overturned) once the complaint has been accepted and not cancelled.
NO_VERDICT_STATES = frozenset({State.RECEIVED, State.CANCELLED})


def complaint_escalation_possible(complaint: Complaint) -> bool:
    """CMP-05: an open complaint below the highest level (HQ) can be escalated by hand."""
    return complaint.is_open and complaint.escalation_level < rules.MAX_LEVEL


def complaint_findings_possible(complaint: Complaint) -> bool:
    return complaint.state == State.INVESTIGATING


def complaint_claim_possible(complaint: Complaint) -> bool:
    """CMP-11: a claim needs the shipment it is about."""
    return complaint.is_open and complaint.shipment_id is not None


def rectification_of(complaint: Complaint) -> Rectification | None:
    return getattr(complaint, "rectification", None)


def rectification_open_possible(complaint: Complaint) -> bool:
    """CMP-08: one rectification per complaint, set while the complaint is open."""
    return complaint.is_open and rectification_of(complaint) is None


def rectification_evaluation_possible(complaint: Complaint) -> bool:
    rectification = rectification_of(complaint)
    return rectification is not None and rectification.state == Rectification.State.OPEN


def verdict_standing(complaint: Complaint):
    return complaint.verdicts.filter(overturned_at__isnull=True).first()


def verdict_standing_get(complaint: Complaint):
    """The verdict to overturn; refused when there is none (any more)."""
    verdict = verdict_standing(complaint)
    if verdict is None:
        raise TransitionConflict(_("This complaint has no standing verdict."))
    return verdict


def complaint_steps_available(complaint: Complaint, user) -> set[str]:
    """The names of the steps ``user`` may take on ``complaint`` now: the FSM transitions they
    hold permission for, plus the follow-up steps (escalate, findings, work order, claim,
    rectification, verdict) their role allows in the complaint's state."""
    names = {t.name for t in complaint.get_available_user_state_transitions(user)}
    names -= AUTOMATIC_TRANSITIONS
    if user.has_perm(HANDLE):
        if complaint_escalation_possible(complaint):
            names.add("escalate")
        if complaint.is_open:
            names.add("work_order")
        if complaint.is_open and complaint_findings_possible(complaint):
            names.add("findings")
        if complaint_claim_possible(complaint):
            names.add("claim")
        if rectification_open_possible(complaint):
            names.add("rectification")
    if user.has_perm(SUPERVISE):
        if rectification_evaluation_possible(complaint):
            names.add("evaluate_rectification")
        if complaint.state not in NO_VERDICT_STATES:
            names.add("overturn_verdict" if verdict_standing(complaint) else "verdict")
    return names


def incident_steps_available(incident: Incident, user=None) -> set[str]:
    """INC-02: an open incident takes its report (revisable) and closing; the review meeting
    once a report exists. The services check who may."""
    if incident.state != Incident.State.OPEN:
        return set()
    names = {"report", "close"}
    if IncidentReport.objects.filter(incident=incident).exists():
        names.add("meeting")
    return names


def measure_done_possible(measure, user) -> bool:
    """CMP-08: the measure's owner (a handler) reports it done once."""
    return measure.done_at is None and user.has_perm(HANDLE)


def measure_check_possible(measure, user) -> bool:
    """CMP-08: a supervisor checks a measure reported done."""
    return measure.done_at is not None and user.has_perm(SUPERVISE)
