import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Complaint, ComplaintAttachment, State
from complaints.services import complaint_accept
from tests.complaints.factories import complaint_new
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _steps(client, c):
    html = client.get(f"/admin/complaints/complaint/{c.pk}/change/").content.decode()
    return re.findall(r'data-step="([a-z_]+)"', html)


def test_admin_shows_only_allowed_transitions_as_buttons(org, client):
    """CMP-06: the admin shows the transitions the person may run now as buttons: an agent sees
    accept and escalate on a new complaint, a supervisor also cancel; verdicts for supervisors
    once the complaint is being handled."""
    c = complaint_new(org.agent.user)
    client.force_login(org.agent.user)
    assert _steps(client, c) == ["accept", "escalate", "work_order", "rectification"]
    client.force_login(org.supervisor.user)
    assert _steps(client, c) == ["accept", "cancel", "escalate", "work_order", "rectification"]
    complaint_accept(c, user=org.agent.user)
    assert _steps(client, c) == [
        "investigate",
        "cancel",
        "escalate",
        "verdict",
        "work_order",
        "rectification",
    ]


def test_admin_button_runs_the_service_with_history(org, client):
    """CMP-06: pressing a button calls the service; the history names the person."""
    c = complaint_new(org.agent.user)
    client.force_login(org.agent.user)
    url = f"/admin/complaints/complaint/{c.pk}/step/accept/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"expected_state": "received"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == State.ACCEPTED
    assert c.history.first().history_user == org.agent.user
    assert _steps(client, c) == ["investigate", "escalate", "work_order", "rectification"]


def test_admin_stale_button_gets_a_clear_message(org, client):
    """CMP-06: someone else moved the complaint meanwhile: the second click changes nothing and
    says so."""
    c = complaint_new(org.agent.user)
    client.force_login(org.agent.user)
    complaint_accept(c, user=org.supervisor.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        f"/admin/complaints/complaint/{c.pk}/step/investigate/",
        {"expected_state": "received"},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    c.refresh_from_db()
    assert c.state == State.ACCEPTED


def test_admin_add_goes_through_the_service(org, client):
    """CMP-01: a complaint entered in the admin gets its deadlines from the policy."""
    client.force_login(org.agent.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/admin/complaints/complaint/add/",
        {
            "channel": "hotline",
            "customer_name": "李女士",
            "customer_phone": "13900000000",
            "customer_email": "",
            "kind": "complaint",
            "category": "delay",
            "description": "延误",
            "received_at_0": "2026-03-02",
            "received_at_1": "10:00:00",
            "severity": "major",
            "assigned_agent": org.agent.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    c = Complaint.objects.get()
    assert (c.customer_name, c.severity, c.created_by) == ("李女士", "major", org.agent.user)
    assert (c.resolve_by - c.received_at).total_seconds() == 240 * 60


def test_attachment_is_served_only_to_permitted_staff(org, client, settings, tmp_path):
    """CMP-01: attachments are private: a person without view permission gets 403."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    c = complaint_new(
        org.agent.user, attachments=[SimpleUploadedFile("p.jpg", b"\xff\xd8\xffdata")]
    )
    att = ComplaintAttachment.objects.get(complaint=c)
    url = f"/admin/complaints/complaint/{c.pk}/attachment/{att.pk}/"
    client.force_login(UserFactory(username="no-perms"))
    assert client.get(url).status_code == 403
    client.force_login(org.agent.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xffdata"


def test_survey_results_page_and_bad_review_action(org, client):
    """CMP-13, CMP-10: the survey list shows results per agent and category; a bad answer is
    recorded as a bad review naming the agent (G16) by a supervisor's action."""
    from django.utils import timezone

    from complaints.models import BadReview, Survey
    from complaints.services import survey_answer

    c = complaint_new(org.agent.user, assigned_agent=org.agent)
    survey = Survey.objects.create(
        complaint=c,
        token="t" * 20,
        agent=org.agent,
        category="delay",
        created_at=timezone.now(),
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    survey_answer(survey.token, score=1, comment="客服小王很不耐烦")
    client.force_login(org.supervisor.user)
    page = client.get("/admin/complaints/survey/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="survey-results"' in html and org.agent.name in html
    response = client.post(
        "/admin/complaints/survey/",
        {"action": "bad_review", "_selected_action": [survey.pk]},
    )
    assert response.status_code == 302
    review = BadReview.objects.get()
    assert (review.employee, review.survey, review.score_posting) == (org.agent, survey, "posted")


def test_call_record_import_page(org, client):
    """CMP-12, ORG-03: hotline call records imported from a CSV in the admin; the service-level
    list shows the 30-day answer rate measured from them; a record's page masks the caller."""
    import datetime as dt

    from django.utils import timezone

    from complaints.models import CallRecord

    client.force_login(UserFactory(username="root", is_superuser=True))
    day = timezone.localdate() - dt.timedelta(days=1)
    lines = ["call_id,started_at,answered_at,caller,extension"]
    for i in range(100):
        answered = f"{day} 09:{i % 60:02d}:30" if i < 99 else ""
        lines.append(f"C{i:03d},{day} 09:{i % 60:02d}:00,{answered},138000000{i % 10},80{i % 3}")
    upload = SimpleUploadedFile("calls.csv", "\n".join(lines).encode(), content_type="text/csv")
    response = client.post("/admin/complaints/callrecord/import/", {"file": upload})
    assert response.status_code == 302
    assert CallRecord.objects.count() == 100
    assert CallRecord.objects.filter(answered_at__isnull=True).count() == 1
    html = client.get("/admin/complaints/servicelevelday/").content.decode()
    assert "99.00%" in html
    again = SimpleUploadedFile("calls.csv", "\n".join(lines[:3]).encode())
    response = client.post("/admin/complaints/callrecord/import/", {"file": again})
    assert response.status_code == 200
    assert CallRecord.objects.count() == 100
    page = client.get(
        f"/admin/complaints/callrecord/{CallRecord.objects.get(call_id='C001').pk}/change/"
    )
    assert page.status_code == 200
    assert "1380000001" not in page.content.decode()  # ORG-03: the caller is masked


def test_admin_verdict_and_work_order_pages(org, client):
    """CMP-06, CMP-09, CMP-10: a supervisor decides a substantiated verdict against the agent
    (G5 posted) and sends a work order to a senior agent, from the complaint's page."""
    from staffing.models import ScoreEvent

    c = complaint_new(org.agent.user, assigned_agent=org.agent)
    complaint_accept(c, user=org.agent.user)
    client.force_login(org.supervisor.user)
    base = f"/admin/complaints/complaint/{c.pk}/step/"
    r = client.post(
        base + "verdict/", {"substantiated": "on", "against": org.agent.pk, "findings": "属实"}
    )
    assert r.status_code == 302
    assert ScoreEvent.objects.get().employee == org.agent
    assert "overturn_verdict" in _steps(client, c)
    r = client.post(base + "work_order/", {"assignee": org.senior.pk, "instructions": "跟进到底"})
    assert r.status_code == 302
    assert c.work_orders.get().assignee == org.senior
    r = client.post(base + "overturn_verdict/", {"reason": "复核不成立"})
    assert r.status_code == 302
    assert sorted(ScoreEvent.objects.values_list("points", flat=True)) == [-3, 3]


def test_incident_opened_in_the_admin_goes_through_the_service(org, client):
    """INC-01: a special incident opened in the admin needs the named HQ group members."""
    from complaints.models import Incident

    client.force_login(org.manager.user)
    data = {
        "title": "暴雪",
        "kind": "special",
        "description": "封路",
        "occurred_at_0": "2026-03-02",
        "occurred_at_1": "10:00:00",
        "on_site_group": "",
    }
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.post("/admin/complaints/incident/add/", data, follow=True)
    assert "HQ group" in refused.content.decode()
    assert not Incident.objects.exists()
    ok = client.post(
        "/admin/complaints/incident/add/", {**data, "coordination_members": [org.hq.pk]}
    )
    assert ok.status_code == 302
    assert list(Incident.objects.get().coordination_members.all()) == [org.hq]


def test_admin_add_refused_by_the_service_shows_the_message(org, client):
    """CMP-01: a complaint without any contact is refused with the service's message, not a
    server error, and nothing is saved."""
    client.force_login(org.agent.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/admin/complaints/complaint/add/",
        {
            "channel": "hotline",
            "customer_name": "李女士",
            "customer_phone": "",
            "customer_email": "",
            "kind": "complaint",
            "category": "delay",
            "description": "延误",
            "received_at_0": "2026-03-02",
            "received_at_1": "10:00:00",
            "severity": "ordinary",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "phone or email" in response.content.decode()
    assert not Complaint.objects.exists()


def test_measure_done_and_checked_from_the_admin(org, client):
    """CMP-08: the owner reports a measure done and a supervisor records the check in the admin."""
    import datetime as dt

    from complaints.models import SupervisionCheck
    from complaints.services import rectification_open

    c = complaint_new(org.agent.user)
    r = rectification_open(
        c,
        user=org.supervisor.user,
        problem="漏扫",
        measures=[{"description": "培训", "owner": org.senior, "due_on": dt.date(2026, 4, 1)}],
    )
    measure = r.measures.get()
    url = "/admin/complaints/rectificationmeasure/"
    client.force_login(org.senior.user)
    client.post(url, {"action": "mark_done", "_selected_action": [measure.pk]})
    client.force_login(org.supervisor.user)
    client.post(url, {"action": "check_passed", "_selected_action": [measure.pk]})
    measure.refresh_from_db()
    assert measure.done_at is not None
    check = SupervisionCheck.objects.get(measure=measure)
    assert (check.passed, check.checked_by) == (True, org.supervisor.user)


def test_escalate_button_offered_below_the_highest_level_only(org, client):
    """CMP-05: a complaint one level below HQ can still be escalated from the admin; at HQ (the
    highest level) the button is gone and the URL is refused with the service's message."""
    from django.contrib.admin.models import LogEntry

    from complaints import rules
    from complaints.models import Level
    from complaints.services import complaint_escalate

    assert rules.MAX_LEVEL == Level.HQ == 3
    c = complaint_new(org.agent.user)
    complaint_escalate(c, user=org.agent.user, reason="严重", to_level=rules.MAX_LEVEL - 1)
    client.force_login(org.agent.user)
    assert "escalate" in _steps(client, c)
    response = client.post(
        f"/admin/complaints/complaint/{c.pk}/step/escalate/", {"reason": "升级到总部"}
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.escalation_level == rules.MAX_LEVEL
    assert "escalate" not in _steps(client, c)
    history = c.history.count()
    client.post(f"/admin/complaints/complaint/{c.pk}/step/escalate/", {"reason": "再升级"})
    c.refresh_from_db()
    assert (c.escalation_level, c.history.count()) == (rules.MAX_LEVEL, history)
    assert LogEntry.objects.count() == 1


def test_complaint_step_writes_one_admin_log_entry(org, client):
    """CMP-06: each step pressed in the admin writes one admin log entry naming the step and
    the reason, by the person who pressed it."""
    from django.contrib.admin.models import LogEntry

    c = complaint_new(org.agent.user)
    client.force_login(org.agent.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    base = f"/admin/complaints/complaint/{c.pk}/step/"
    assert client.post(base + "accept/", {"expected_state": "received"}).status_code == 302
    assert client.post(base + "escalate/", {"reason": "客户很生气"}).status_code == 302
    entries = list(
        LogEntry.objects.order_by("pk").values_list("user", "object_id", "change_message")
    )
    assert entries == [
        (org.agent.user.pk, str(c.pk), "Accept (first response given)"),
        (org.agent.user.pk, str(c.pk), "Escalate: 客户很生气"),
    ]


def test_complaint_step_refused_shows_the_message_and_changes_nothing(org, client):
    """CMP-06: a step the service refuses (an agent may not cancel) is shown as its message;
    the state, the history and the admin log are unchanged."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.messages import get_messages

    c = complaint_new(org.agent.user)
    history = c.history.count()
    client.force_login(org.agent.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        f"/admin/complaints/complaint/{c.pk}/step/cancel/",
        {
            "cancel_reason": "duplicate",
            "reason": "重复",
            "expected_state": "received",
            "confirm_irreversible": "on",
        },
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You do not have permission for this step."
    ]
    c.refresh_from_db()
    assert (c.state, c.history.count()) == (State.RECEIVED, history)
    assert not LogEntry.objects.exists()


def test_complaint_steps_hidden_from_staff_who_may_not_view(org, client, monkeypatch):
    """CMP-06: staff without view permission get a 404 from a step's URL (as if the complaint
    did not exist) and the service is not called."""
    from complaints import services

    calls = []
    monkeypatch.setattr(services, "complaint_accept", lambda *a, **kw: calls.append(a))
    c = complaint_new(org.agent.user)
    client.force_login(UserFactory(username="no-perms"))
    url = f"/admin/complaints/complaint/{c.pk}/step/accept/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"expected_state": "received"}).status_code == 404
    assert calls == []
