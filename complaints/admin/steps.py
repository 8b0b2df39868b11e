"""The complaint's and the incident's steps as workflow-kit actions: one service call each.

Which steps are offered comes from ``complaints.services.complaint_steps_available`` and
``incident_steps_available``; the services re-check the state and the person's permission.
"""

from django.utils.translation import gettext_lazy as _

from complaints import services
from courier.core.admin.workflow import ServiceAction

from .forms import INCIDENT_FIELDS, step_form


def _guarded(request, obj, data) -> dict:
    """The acting user and the state the page showed (a stale click is refused)."""
    return {"user": request.user, "expected_state": data.get("expected_state")}


def _step(label, run, *fields, permission="change", irreversible=False):
    """A complaint step opens its own small page (a form, or a confirmation)."""
    return ServiceAction(
        label,
        run,
        form=step_form(*fields) if fields else None,
        confirm=True,
        permission=permission,
        irreversible=irreversible,
    )


def _claim(request, c, d):
    services.complaint_claim_file(
        c,
        user=request.user,
        kind=d["claim_kind"],
        cause=d["cause"],
        amount=d.get("amount"),
        photos=[f for f in (d.get("photo1"), d.get("photo2")) if f],
    )


def _rectification(request, c, d):
    services.rectification_open(
        c,
        user=request.user,
        problem=d["problem"],
        measures=[{"description": d["measure"], "owner": d["owner"], "due_on": d["due_on"]}],
    )


# In the order the buttons are shown.
COMPLAINT_STEPS = {
    "accept": _step(
        _("Accept (first response given)"),
        lambda r, c, d: services.complaint_accept(c, **_guarded(r, c, d)),
    ),
    "investigate": _step(
        _("Start investigation"),
        lambda r, c, d: services.complaint_investigate(c, **_guarded(r, c, d)),
    ),
    "findings": _step(
        _("Record findings"),
        lambda r, c, d: services.complaint_findings_record(
            c,
            user=r.user,
            findings=d["findings"],
            department=d.get("department"),
            employee=d.get("employee"),
        ),
        "findings",
        "department",
        "employee",
    ),
    "propose_solution": _step(
        _("Propose solution"),
        lambda r, c, d: services.complaint_solution_propose(
            c, solution=d["solution"], **_guarded(r, c, d)
        ),
        "solution",
    ),
    "send_solution": _step(
        _("Send solution to customer and merchant"),
        lambda r, c, d: services.complaint_solution_send(c, **_guarded(r, c, d)),
    ),
    "feedback_accept": _step(
        _("Customer accepted"),
        lambda r, c, d: services.complaint_feedback_record(
            c, accepted=True, comment=d.get("comment", ""), **_guarded(r, c, d)
        ),
        "comment",
    ),
    "feedback_reject": _step(
        _("Customer rejected"),
        lambda r, c, d: services.complaint_feedback_record(
            c, accepted=False, comment=d.get("comment", ""), **_guarded(r, c, d)
        ),
        "comment",
    ),
    "close": _step(_("Close"), lambda r, c, d: services.complaint_close(c, **_guarded(r, c, d))),
    "reopen": _step(
        _("Reopen"),
        lambda r, c, d: services.complaint_reopen(c, reason=d["reason"], **_guarded(r, c, d)),
        "reason",
    ),
    "cancel": _step(
        _("Cancel"),
        lambda r, c, d: services.complaint_cancel(
            c, cancel_reason=d["cancel_reason"], note=d["reason"], **_guarded(r, c, d)
        ),
        "cancel_reason",
        "reason",
        irreversible=True,
    ),
    "escalate": _step(
        _("Escalate"),
        lambda r, c, d: services.complaint_escalate(c, user=r.user, reason=d["reason"]),
        "reason",
    ),
    "verdict": _step(
        _("Decide verdict"),
        lambda r, c, d: services.verdict_record(
            c,
            user=r.user,
            substantiated=d["substantiated"],
            findings=d["findings"],
            against_employee=d.get("against"),
        ),
        "substantiated",
        "against",
        "findings",
    ),
    "overturn_verdict": _step(
        _("Overturn verdict"),
        lambda r, c, d: services.verdict_overturn(
            services.verdict_standing_get(c), user=r.user, reason=d["reason"]
        ),
        "reason",
    ),
    "work_order": _step(
        _("Create work order"),
        lambda r, c, d: services.work_order_create(
            c,
            user=r.user,
            assignee=d["assignee"],
            instructions=d["instructions"],
            due_at=d.get("due_at"),
        ),
        "assignee",
        "instructions",
        "due_at",
    ),
    "rectification": _step(
        _("Set rectification"), _rectification, "problem", "measure", "owner", "due_on"
    ),
    "evaluate_rectification": _step(
        _("Evaluate rectification"),
        lambda r, c, d: services.rectification_evaluate(
            c.rectification,
            user=r.user,
            satisfaction_before=d["satisfaction_before"],
            satisfaction_after=d["satisfaction_after"],
            process_improvement=d["process_improvement"],
        ),
        "satisfaction_before",
        "satisfaction_after",
        "process_improvement",
    ),
    "claim": _step(_("File claim"), _claim, "claim_kind", "cause", "amount", "photo1", "photo2"),
}


def _report_so_far(request, incident) -> dict:
    """The report form starts from the report already written (it can be revised)."""
    report = getattr(incident, "report", None)
    if report is None:
        return {}
    return {f: getattr(report, f) for f in ("cause", "handling", "lessons")}


# INC-02; the services decide who may write them (their refusal is shown).
INCIDENT_STEPS = {
    "report": ServiceAction(
        _("Write the incident report"),
        lambda r, i, d: services.incident_report_write(
            i, user=r.user, cause=d["cause"], handling=d["handling"], lessons=d["lessons"]
        ),
        form=step_form("cause", "handling", "lessons", fields=INCIDENT_FIELDS),
        initial=_report_so_far,
        permission="view",
    ),
    "meeting": ServiceAction(
        _("Record the review meeting"),
        lambda r, i, d: services.review_meeting_record(
            i,
            user=r.user,
            held_on=d["held_on"],
            attendees=d["attendees"],
            conclusions=d["conclusions"],
        ),
        form=step_form("held_on", "attendees", "conclusions", fields=INCIDENT_FIELDS),
        permission="view",
    ),
    "close": ServiceAction(
        _("Close the incident"),
        lambda r, i, d: services.incident_close(i, user=r.user),
        confirm=True,
        permission="view",
    ),
}
