"""Emergency incidents (INC-01) with reports and review meetings (INC-02)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from complaints.models import (
    EmergencyPlan,
    EmergencySeminar,
    Incident,
    IncidentReport,
    PostAuthority,
    ReviewMeeting,
)

from .common import ComplaintError, now


def _perm(user, perm="complaints.add_incident") -> None:
    if user is not None and not user.has_perm(perm):
        raise ComplaintError(_("You do not have permission for this step."))


def incident_open(
    *,
    user,
    title: str,
    kind: str,
    description: str,
    occurred_at,
    project_manager=None,
    coordination_members=(),
    on_site_group: str = "",
    harmed_company: bool = False,
    handled_in_pre_handling: bool = False,
    complaints=(),
    shipments=(),
    partner=None,
) -> Incident:
    """INC-01: a general incident is run by the project manager; a special one by an HQ
    coordination group with named members."""
    _perm(user)
    return incident_create(
        user=user,
        title=title,
        kind=kind,
        description=description,
        occurred_at=occurred_at,
        project_manager=project_manager,
        coordination_members=coordination_members,
        on_site_group=on_site_group,
        harmed_company=harmed_company,
        handled_in_pre_handling=handled_in_pre_handling,
        complaints=complaints,
        shipments=shipments,
        partner=partner,
    )


def incident_create(
    *,
    user,
    title: str,
    kind: str,
    description: str,
    occurred_at,
    project_manager=None,
    coordination_members=(),
    on_site_group: str = "",
    harmed_company: bool = False,
    handled_in_pre_handling: bool = False,
    complaints=(),
    shipments=(),
    require_manager: bool = True,
    partner=None,
) -> Incident:
    """The write behind ``incident_open`` without the staff permission check: also used when
    the system opens an incident itself (a loss claim triggers the emergency plan)."""
    if not (title or "").strip() or not (description or "").strip():
        raise ComplaintError(_("Give the incident a title and a description."))
    if kind == Incident.Kind.GENERAL and project_manager is None and require_manager:
        raise ComplaintError(_("A general incident is run by a named project manager."))
    if kind == Incident.Kind.SPECIAL and not coordination_members:
        raise ComplaintError(_("A special incident needs the named members of the HQ group."))
    if kind not in Incident.Kind.values:
        raise ComplaintError(_("Unknown incident kind."))
    with transaction.atomic():
        incident = Incident(
            title=title.strip(),
            kind=kind,
            description=description.strip(),
            occurred_at=occurred_at,
            project_manager=project_manager,
            on_site_group=on_site_group or "",
            harmed_company=harmed_company,
            handled_in_pre_handling=handled_in_pre_handling,
            created_by=user,
        )
        incident._history_user = user
        incident.save()
        incident.coordination_members.set(coordination_members or [])
        incident.complaints.set(complaints or [])
        incident.shipments.set(shipments or [])
        plan = emergency_plan_for_incident(incident, partner=partner)
        if plan is not None:
            incident.emergency_plan = plan
            incident._history_user = user
            incident.save(update_fields=["emergency_plan"])
    return incident


def emergency_plan_in_force(partner_id) -> EmergencyPlan | None:
    """INC-05: the partner project's plan in force."""
    if partner_id is None:
        return None
    return EmergencyPlan.objects.filter(partner_id=partner_id, in_force=True).first()


def emergency_plan_for_incident(incident: Incident, *, partner=None) -> EmergencyPlan | None:
    """INC-05: the plan used for an incident: the named partner's, else the partner of its
    shipments or complaints when they all belong to one partner project."""
    if partner is not None:
        return emergency_plan_in_force(getattr(partner, "pk", partner))
    partners = set(incident.shipments.values_list("partner_id", flat=True))
    partners |= set(
        incident.complaints.exclude(partner__isnull=True).values_list("partner_id", flat=True)
    )
    if len(partners) != 1:
        return None
    return emergency_plan_in_force(partners.pop())


def emergency_plan_measures(incident: Incident) -> str:
    """The plan's text an incident's handler reads: the procedure of the incident's kind."""
    plan = incident.emergency_plan
    if plan is None:
        return ""
    if incident.kind == Incident.Kind.SPECIAL:
        return plan.special_procedure
    return plan.general_procedure


def incident_report_required(incident: Incident) -> bool:
    """INC-02: harmed the company or caused a complaint → written report and review meeting."""
    return incident.harmed_company or incident.complaints.exists()


def incident_report_write(incident, *, user, cause: str, handling: str, lessons: str):
    _perm(user, "complaints.change_incident")
    if not all((x or "").strip() for x in (cause, handling, lessons)):
        raise ComplaintError(_("The report states the cause, the handling and the lessons."))
    with transaction.atomic():
        inc = Incident.objects.select_for_update().get(pk=incident.pk)
        report = IncidentReport.objects.filter(incident=inc).first() or IncidentReport(incident=inc)
        report.cause, report.handling, report.lessons = (
            cause.strip(),
            handling.strip(),
            lessons.strip(),
        )
        report.written_by, report.written_at = user, now()
        report._history_user = user
        report.save()
    return report


def review_meeting_record(incident, *, user, held_on, attendees, conclusions: str):
    _perm(user, "complaints.change_incident")
    if not attendees:
        raise ComplaintError(_("Name who attended the review meeting."))
    if not (conclusions or "").strip():
        raise ComplaintError(_("Write down the meeting's conclusions."))
    with transaction.atomic():
        inc = Incident.objects.select_for_update().get(pk=incident.pk)
        if not IncidentReport.objects.filter(incident=inc).exists():
            raise ComplaintError(_("Write the incident report before reviewing it."))
        meeting = ReviewMeeting.objects.create(
            incident=inc, held_on=held_on, conclusions=conclusions.strip(), recorded_by=user
        )
        meeting.attendees.set(attendees)
    return meeting


def incident_close(incident, *, user) -> Incident:
    with transaction.atomic():
        inc = Incident.objects.select_for_update().get(pk=incident.pk)
        if inc.state != Incident.State.OPEN:
            raise ComplaintError(_("The incident is already closed."))
        if user is not None and not has_transition_perm(inc.close, user):
            raise ComplaintError(_("You do not have permission for this step."))
        if incident_report_required(inc):
            if not IncidentReport.objects.filter(incident=inc).exists():
                raise ComplaintError(
                    _("This incident harmed the company or caused a complaint: write the report.")
                )
            if not inc.meetings.exists():
                raise ComplaintError(_("Review the report with the staff involved at a meeting."))
        inc.close()
        inc.closed_at = now()
        inc._history_user = user
        inc.save()
    return inc


def _loss_project_manager(c):
    """The project manager who runs a loss's emergency plan: the first manager up the line of
    the complaint's current handler (staffing), else the first active manager."""
    from staffing.selectors import manager_up_the_line

    return manager_up_the_line(c.escalated_to or c.assigned_agent)


def loss_incident_open(c, *, user, cause: str = "") -> tuple[Incident, bool]:
    """CMP-11 / INC-03: a loss claim triggers the emergency plan. Opens (once per complaint and
    shipment) a general incident linking both, run by a project manager, and notifies the
    project manager and the complaint's handler. Call inside the claim's transaction with the
    complaint locked; returns ``(incident, created)``."""
    from courier.core.services.notifications import notification_send

    existing = (
        Incident.objects.filter(complaints=c, shipments=c.shipment_id, kind=Incident.Kind.GENERAL)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing, False
    manager = _loss_project_manager(c)
    incident = incident_create(
        user=user,
        title=_("Lost shipment %(waybill)s (complaint #%(pk)s)")
        % {"waybill": c.shipment, "pk": c.pk},
        kind=Incident.Kind.GENERAL,
        description=(cause or "").strip() or _("Shipment lost; compensation proposed."),
        occurred_at=now(),
        project_manager=manager,
        harmed_company=True,
        complaints=[c],
        shipments=[c.shipment_id],
        require_manager=False,
    )
    handler = c.escalated_to or c.assigned_agent
    recipients = [e.user for e in (manager, handler) if e is not None]
    body = str(_("A general incident was opened for the loss; run the emergency plan."))
    plan = incident.emergency_plan
    if plan is not None:
        body = f"{body}\n\n{plan.title}\n{plan.loss_measures or plan.general_procedure}"
    notification_send(
        recipients,
        _("Emergency plan: shipment %(waybill)s lost (complaint #%(pk)s)")
        % {"waybill": c.shipment, "pk": c.pk},
        body,
        link=f"/admin/complaints/incident/{incident.pk}/change/",
        dedupe_key=f"incident:{incident.pk}:opened",
    )
    return incident, True


def emergency_seminar_record(
    *,
    user,
    held_on,
    kind: str,
    attendees,
    process_review: str,
    authorities,
    partner=None,
    plan: EmergencyPlan | None = None,
) -> EmergencySeminar:
    """INC-05: a seminar reviewing the incident process and each post's authority.
    ``authorities`` is a list of ``(post, authority)``; at least one, each post once."""
    _perm(user, "complaints.add_emergencyseminar")
    rows = [((p or "").strip(), (a or "").strip()) for p, a in authorities]
    errors = {}
    if kind not in EmergencySeminar.Kind.values:
        errors["kind"] = _("Choose periodic or ad hoc.")
    if held_on is None:
        errors["held_on"] = _("Give the date of the seminar.")
    if not attendees:
        errors["attendees"] = _("Name who attended the seminar.")
    if not (process_review or "").strip():
        errors["process_review"] = _("Write down what the review of the process concluded.")
    if not rows or any(not p or not a for p, a in rows):
        errors["authorities"] = _("State each post's authority as “post: authority”.")
    elif len({p for p, _a in rows}) != len(rows):
        errors["authorities"] = _("Each post once.")
    if (
        plan is not None
        and partner is not None
        and plan.partner_id != getattr(partner, "pk", partner)
    ):
        errors["plan"] = _("The plan belongs to another partner project.")
    if errors:
        raise ComplaintError(errors)
    with transaction.atomic():
        seminar = EmergencySeminar.objects.create(
            held_on=held_on,
            kind=kind,
            partner=partner if partner is not None else (plan.partner if plan else None),
            plan=plan,
            process_review=process_review.strip(),
            recorded_by=user,
        )
        seminar.attendees.set(attendees)
        PostAuthority.objects.bulk_create(
            PostAuthority(seminar=seminar, post=p, authority=a) for p, a in rows
        )
    return seminar


def post_authorities_parse(text: str) -> list[tuple[str, str]]:
    """``post: authority`` per line (a full-width colon too) for the admin's text box."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        post, sep, authority = line.replace("：", ":").partition(":")
        rows.append((post, authority) if sep else (post, ""))
    return rows
