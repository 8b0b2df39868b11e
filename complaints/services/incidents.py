"""Emergency incidents (INC-01) with reports and review meetings (INC-02)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from complaints.models import Incident, IncidentReport, ReviewMeeting

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
    return incident


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
    notification_send(
        recipients,
        _("Emergency plan: shipment %(waybill)s lost (complaint #%(pk)s)")
        % {"waybill": c.shipment, "pk": c.pk},
        _("A general incident was opened for the loss; run the emergency plan."),
        link=f"/admin/complaints/incident/{incident.pk}/change/",
        dedupe_key=f"incident:{incident.pk}:opened",
    )
    return incident, True
