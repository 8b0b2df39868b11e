"""INC-02 in the admin; CMP-11 / INC-03: a loss claim triggers the emergency plan."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.utils import timezone, translation
from django.utils.translation import gettext

from complaints.models import ComplaintClaim, Incident, IncidentReport, ReviewMeeting
from complaints.services import (
    complaint_accept,
    complaint_claim_decide,
    complaint_claim_file,
    complaint_investigate,
    incident_open,
)
from courier.core.models import Notification
from tests.complaints.factories import complaint_new
from tests.courier.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


def _investigating(org, **kw):
    c = complaint_new(org.agent.user, assigned_agent=org.agent, **kw)
    complaint_accept(c, user=org.agent.user)
    return complaint_investigate(c, user=org.agent.user)


def _steps(client, inc):
    html = client.get(f"/admin/complaints/incident/{inc.pk}/change/").content.decode()
    return re.findall(r'data-step="([a-z_]+)"', html)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _t(msgid):
    """The message as the admin shows it (the default language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(msgid)


def _harmful_incident(org):
    return incident_open(
        user=org.manager.user,
        title="分拨中心火灾",
        kind="general",
        description="货物烧毁",
        occurred_at=timezone.now(),
        project_manager=org.manager,
        harmed_company=True,
    )


def test_admin_incident_closes_only_after_report_and_meeting_entered_in_the_admin(org, client):
    """INC-02: in the admin an incident that harmed the company cannot be closed until staff
    have written its report and recorded the review meeting (date, attendees, conclusions);
    entered through the admin's step pages, it then closes."""
    inc = _harmful_incident(org)
    client.force_login(org.manager.user)
    base = f"/admin/complaints/incident/{inc.pk}/step"
    assert _steps(client, inc) == ["report", "close"]

    response = client.post(f"{base}/close/", {"expected_state": "open"})
    assert response.status_code == 302
    assert _messages(response) == [
        _t("This incident harmed the company or caused a complaint: write the report.")
    ]
    inc.refresh_from_db()
    assert inc.state == Incident.State.OPEN

    assert client.get(f"{base}/report/").status_code == 200
    response = client.post(
        f"{base}/report/", {"cause": "电线老化", "handling": "转运货物", "lessons": "定期巡检"}
    )
    assert response.status_code == 302
    report = IncidentReport.objects.get(incident=inc)
    assert (report.cause, report.handling, report.lessons, report.written_by) == (
        "电线老化",
        "转运货物",
        "定期巡检",
        org.manager.user,
    )
    assert _steps(client, inc) == ["report", "meeting", "close"]

    response = client.post(f"{base}/close/", {"expected_state": "open"})
    assert _messages(response) == [_t("Review the report with the staff involved at a meeting.")]
    inc.refresh_from_db()
    assert inc.state == Incident.State.OPEN

    response = client.post(
        f"{base}/meeting/",
        {
            "held_on": "2026-03-05",
            "attendees": [org.agent.pk, org.supervisor.pk],
            "conclusions": "每月检查电路",
        },
    )
    assert response.status_code == 302
    meeting = ReviewMeeting.objects.get(incident=inc)
    assert str(meeting.held_on) == "2026-03-05"
    assert set(meeting.attendees.all()) == {org.agent, org.supervisor}
    assert (meeting.conclusions, meeting.recorded_by) == ("每月检查电路", org.manager.user)
    page = client.get(f"/admin/complaints/incident/{inc.pk}/change/").content.decode()
    assert "每月检查电路" in page and "定期巡检" in page

    response = client.post(f"{base}/close/", {"expected_state": "open"})
    assert response.status_code == 302
    inc.refresh_from_db()
    assert inc.state == Incident.State.CLOSED
    assert inc.history.first().history_user == org.manager.user
    assert _steps(client, inc) == []


def test_admin_incident_step_bad_input_saves_nothing(org, client):
    """INC-02: a meeting without attendees or conclusions is refused with the form shown
    again (HTTP 200), nothing saved; an unknown step is a 404."""
    inc = _harmful_incident(org)
    client.force_login(org.manager.user)
    base = f"/admin/complaints/incident/{inc.pk}/step"
    client.post(f"{base}/report/", {"cause": "a", "handling": "b", "lessons": "c"})
    response = client.post(f"{base}/meeting/", {"held_on": "2026-03-05", "conclusions": ""})
    assert response.status_code == 200
    assert ReviewMeeting.objects.count() == 0
    assert client.get(f"{base}/nonsense/").status_code == 404


def test_admin_incident_steps_need_permission(org, client):
    """INC-02: staff who may only view incidents cannot write the report in the admin: they get
    the service's refusal as a message and nothing is saved; without view rights, a 404."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    inc = _harmful_incident(org)
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_incident"))
    client.force_login(viewer)
    url = f"/admin/complaints/incident/{inc.pk}/step/report/"
    response = client.post(url, {"cause": "a", "handling": "b", "lessons": "c"})
    assert response.status_code == 302
    assert _messages(response) == [_t("You do not have permission for this step.")]
    assert IncidentReport.objects.count() == 0
    viewer.user_permissions.clear()
    client.force_login(UserFactory(is_staff=True))
    assert client.post(url, {"cause": "a", "handling": "b", "lessons": "c"}).status_code == 404
    assert IncidentReport.objects.count() == 0


def test_loss_claim_opens_a_general_incident_once_and_notifies(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    """CMP-11, INC-03: a lost shipment's compensation claim triggers the emergency plan: a
    general incident run by the handler's manager opens automatically, linking the shipment and
    the complaint, and the project manager and the complaint's agent are notified (admin notice
    and email); a later claim on the same complaint opens no second incident."""
    shipment = ShipmentFactory()
    c = _investigating(org, shipment=shipment, category="cargo_loss")
    with django_capture_on_commit_callbacks(execute=True):
        claim = complaint_claim_file(
            c, user=org.agent.user, kind="compensation", cause="分拨丢件", amount=300
        )
    inc = Incident.objects.get()
    assert (inc.kind, inc.state, inc.project_manager, inc.harmed_company) == (
        "general",
        "open",
        org.manager,
        True,
    )
    assert (list(inc.shipments.all()), list(inc.complaints.all())) == ([shipment], [c])
    assert inc.description == "分拨丢件"
    assert inc.created_by == org.agent.user
    notes = Notification.objects.filter(dedupe_key=f"incident:{inc.pk}:opened")
    assert {n.recipient for n in notes} == {org.manager.user, org.agent.user}
    assert notes.count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [org.manager.user.email, org.agent.user.email]
    )

    complaint_claim_decide(claim, user=org.manager.user, approve=False, note="金额不符")
    complaint_claim_file(c, user=org.agent.user, kind="compensation", cause="重报", amount=200)
    assert Incident.objects.count() == 1
    assert Notification.objects.filter(dedupe_key__startswith="incident:").count() == 2
    assert ComplaintClaim.objects.filter(complaint=c).count() == 2


def test_damage_claim_opens_no_incident(org):
    """CMP-11, INC-03: damage goes to an insurance claim only; no emergency incident."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.complaints.test_investigation import _photo

    c = _investigating(org, shipment=ShipmentFactory(), category="cargo_damage")
    photo = _photo()
    assert isinstance(photo, SimpleUploadedFile)
    complaint_claim_file(
        c, user=org.agent.user, kind="insurance", cause="破损", photos=[photo], amount=50
    )
    assert Incident.objects.count() == 0
    assert Notification.objects.filter(dedupe_key__startswith="incident:").count() == 0


def test_loss_incident_falls_back_to_any_manager_and_rolls_back_with_the_claim(org):
    """CMP-11, INC-03: with no manager up the handler's line, the first active manager runs the
    plan; a refused claim (no shipment) opens no incident."""
    from tests.complaints.factories import employee_in_role

    lone = employee_in_role("agent", username="lone-agent")
    c = complaint_new(lone.user, assigned_agent=lone, shipment=ShipmentFactory())
    complaint_claim_file(c, user=lone.user, kind="compensation", cause="丢失", amount=10)
    assert Incident.objects.get().project_manager == org.manager

    bare = complaint_new(org.agent.user, assigned_agent=org.agent)
    with pytest.raises(Exception, match="shipment"):
        complaint_claim_file(bare, user=org.agent.user, kind="compensation", cause="x", amount=1)
    assert Incident.objects.count() == 1
