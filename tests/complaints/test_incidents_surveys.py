import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from complaints.models import Survey
from complaints.selectors import service_levels, sla_report, survey_results
from complaints.services import (
    ComplaintError,
    complaint_accept,
    complaint_feedback_record,
    complaint_findings_record,
    complaint_investigate,
    complaint_solution_propose,
    complaint_solution_send,
    incident_close,
    incident_open,
    incident_report_write,
    review_meeting_record,
    service_level_day_record,
    survey_answer,
)
from complaints.services.mail import survey_url
from tests.complaints.factories import complaint_new
from tests.courier.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


def _closed(org, category="delay", **kw):
    u = org.agent.user
    c = complaint_new(u, assigned_agent=org.agent, category=category, **kw)
    complaint_accept(c, user=u)
    complaint_investigate(c, user=u)
    complaint_findings_record(c, user=u, findings="延误", employee=org.agent)
    complaint_solution_propose(c, user=u, solution="补偿")
    complaint_solution_send(c, user=u)
    return complaint_feedback_record(c, user=u, accepted=True)


def test_general_and_special_incidents(org):
    """INC-01: a general incident is run by a named project manager; a special one by an HQ
    coordination group with named members; shipments and complaints linked."""
    with pytest.raises(ComplaintError, match="project manager"):
        incident_open(
            user=org.manager.user,
            title="爆仓",
            kind="general",
            description="x",
            occurred_at=timezone.now(),
        )
    with pytest.raises(ComplaintError, match="HQ group"):
        incident_open(
            user=org.manager.user,
            title="暴雪",
            kind="special",
            description="x",
            occurred_at=timezone.now(),
        )
    shipment = ShipmentFactory()
    c = complaint_new(org.agent.user)
    inc = incident_open(
        user=org.manager.user,
        title="暴雪封路",
        kind="special",
        description="京沪高速封闭",
        occurred_at=timezone.now(),
        coordination_members=[org.hq, org.manager],
        on_site_group="北京现场协调组",
        shipments=[shipment],
        complaints=[c],
    )
    assert set(inc.coordination_members.all()) == {org.hq, org.manager}
    assert list(inc.shipments.all()) == [shipment]
    assert list(c.incidents.all()) == [inc]


def test_incident_that_caused_a_complaint_needs_report_and_review_meeting(org):
    """INC-02: an incident that caused a complaint needs a written report, reviewed with the
    staff involved at a meeting (date, attendees, conclusions) before it closes; one solved in
    pre-handling closes with the daily report only."""
    c = complaint_new(org.agent.user)
    inc = incident_open(
        user=org.manager.user,
        title="错分",
        kind="general",
        description="分拣错误导致延误",
        occurred_at=timezone.now(),
        project_manager=org.manager,
        complaints=[c],
    )
    with pytest.raises(ComplaintError, match="write the report"):
        incident_close(inc, user=org.manager.user)
    with pytest.raises(ComplaintError, match="report before"):
        review_meeting_record(
            inc,
            user=org.manager.user,
            held_on=dt.date(2026, 3, 5),
            attendees=[org.agent],
            conclusions="x",
        )
    incident_report_write(inc, user=org.manager.user, cause="错分", handling="改派", lessons="复核")
    with pytest.raises(ComplaintError, match="meeting"):
        incident_close(inc, user=org.manager.user)
    meeting = review_meeting_record(
        inc,
        user=org.manager.user,
        held_on=dt.date(2026, 3, 5),
        attendees=[org.agent, org.supervisor],
        conclusions="增加分拣复核",
    )
    assert set(meeting.attendees.all()) == {org.agent, org.supervisor}
    inc = incident_close(inc, user=org.manager.user)
    assert inc.state == "closed"

    minor = incident_open(
        user=org.manager.user,
        title="小延误",
        kind="general",
        description="预处理解决",
        occurred_at=timezone.now(),
        project_manager=org.manager,
        handled_in_pre_handling=True,
    )
    assert incident_close(minor, user=org.manager.user).state == "closed"


def test_survey_link_is_one_time_and_public(
    org, client, mailoutbox, django_capture_on_commit_callbacks
):
    """CMP-13: on closing, a one-time public link to a 1–5 survey is emailed; answered once,
    a second answer is refused; a wrong token is 404."""
    with django_capture_on_commit_callbacks(execute=True):
        c = _closed(org, customer_email="buyer@example.com")
    survey = Survey.objects.get(complaint=c)
    url = survey_url(survey)
    assert url in mailoutbox[-1].body
    path = url.split("8000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    assert 'name="score"' in page.content.decode()
    assert client.post(path, {"score": "7"}).status_code == 400
    done = client.post(path, {"score": "4", "comment": "还行"})
    assert done.status_code == 200
    assert 'id="thanks"' in done.content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.comment, survey.agent) == (4, "还行", org.agent)
    assert client.post(path, {"score": "1"}).status_code == 410
    assert client.get("/complaints/survey/not-a-token/").status_code == 404
    survey.refresh_from_db()
    assert survey.score == 4


def test_expired_survey_refuses_answers(org):
    """CMP-13: the link is valid for the configured number of days (14)."""
    c = _closed(org)
    survey = Survey.objects.get(complaint=c)
    later = timezone.now() + dt.timedelta(days=15)
    with time_machine.travel(later), pytest.raises(ComplaintError, match="expired"):
        survey_answer(survey.token, score=5)


def test_survey_results_per_agent_and_category(org):
    """CMP-13: results analysed per agent and per category (average, bad reviews)."""
    for category, score in (("delay", 5), ("delay", 2), ("cargo_damage", 4)):
        c = _closed(org, category=category)
        survey_answer(Survey.objects.get(complaint=c).token, score=score)
    _closed(org)  # sent, not answered
    results = survey_results()
    assert (results["sent"], results["answered"], results["response_rate"]) == (
        4,
        3,
        Decimal("75.00"),
    )
    assert results["by_agent"] == [
        {
            "agent_id": org.agent.pk,
            "agent__name": org.agent.name,
            "answered": 3,
            "average": Decimal("3.67"),
            "bad": 1,
        }
    ]
    assert results["by_category"] == [
        {"category": "cargo_damage", "answered": 1, "average": Decimal("4.00"), "bad": 0},
        {"category": "delay", "answered": 2, "average": Decimal("3.50"), "bad": 1},
    ]


def test_service_levels_typed_only_as_a_correction_with_a_reason(org):
    """CMP-12: a typed day is a correction: it needs a reason, and its figures replace that
    day's measured ones against the 98% target (data)."""
    with pytest.raises(ComplaintError, match="reason"):
        service_level_day_record(
            user=org.manager.user, day=dt.date(2026, 3, 1), calls_offered=5, calls_answered=5
        )
    service_level_day_record(
        user=org.manager.user,
        day=dt.date(2026, 3, 1),
        reason="话务系统当天宕机,按人工记录",
        orders_received=100,
        orders_within_24h=100,
        calls_offered=500,
        calls_answered=495,
    )
    service_level_day_record(
        user=org.manager.user,
        day=dt.date(2026, 3, 2),
        reason="导出缺失",
        orders_received=200,
        orders_within_24h=190,
        calls_offered=500,
        calls_answered=480,
    )
    report = service_levels(dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    assert report == {
        "days": 2,
        "orders_received": 300,
        "orders_within_24h": 290,
        "calls_offered": 1000,
        "calls_answered": 975,
        "corrected_days": 2,
        "orders_within_24h_rate": Decimal("96.67"),
        "orders_target": Decimal("100.00"),
        "orders_target_met": False,
        "hotline_answer_rate": Decimal("97.50"),
        "hotline_target": Decimal("98.00"),
        "hotline_target_met": False,
    }
    assert service_levels(dt.date(2026, 3, 1), dt.date(2026, 3, 1))["hotline_target_met"] is True
    with pytest.raises(ComplaintError, match="More calls answered"):
        service_level_day_record(
            user=org.manager.user, day=dt.date(2026, 3, 3), reason="x", calls_answered=2
        )


def test_sla_report_counts_met_and_breached(org):
    """CMP-03, CMP-04: met / breached and the minutes taken per milestone, for reports."""
    t0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    u = org.agent.user
    with time_machine.travel(t0, tick=False):
        fast = complaint_new(u, severity="major")
        slow = complaint_new(u, severity="major")
    with time_machine.travel(t0 + dt.timedelta(minutes=10), tick=False):
        complaint_accept(fast, user=u)
    with time_machine.travel(t0 + dt.timedelta(minutes=45), tick=False):
        complaint_accept(slow, user=u)
    report = sla_report(t0, t0 + dt.timedelta(hours=1))
    assert report == {"response": {"met": 1, "breached": 1, "average_minutes": 27.5}}
