"""Issue 13 point 22: an emergency plan per partner project, used when an incident is opened,
and the review seminars with each post's authority (INC-05, INC-01, INC-03)."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from complaints.models import EmergencyPlan, EmergencySeminar, Incident
from complaints.services import (
    ComplaintError,
    complaint_accept,
    complaint_claim_file,
    complaint_investigate,
    emergency_plan_measures,
    emergency_seminar_record,
    incident_open,
    post_authorities_parse,
)
from courier.core.models import Notification
from tests.complaints.factories import complaint_new
from tests.courier.factories import ShipmentFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _plan(partner, **kw):
    data = {
        "partner": partner,
        "title": "乐蜂网项目操作应急方案",
        "general_procedure": "项目经理按应急事件处理流程全权负责",
        "special_procedure": "总公司领导层综合协调，指挥部设在北京",
        "loss_measures": "启动应急预案，查找货物，向客户提出赔偿方案",
    }
    data.update(kw)
    return EmergencyPlan.objects.create(**data)


def test_incident_opened_for_a_project_uses_its_plan_in_force(org):
    """INC-05, INC-01: an incident on a partner's shipments is linked to that project's plan in
    force; a general incident shows the general procedure, a special one the HQ procedure; an
    incident mixing projects or with none has no plan."""
    partner = PartnerFactory()
    _plan(partner, in_force=False, title="旧方案")
    plan = _plan(partner)
    general = incident_open(
        user=org.manager.user,
        title="暴雨延误",
        kind="general",
        description="华南暴雨",
        occurred_at=timezone.now(),
        project_manager=org.manager,
        shipments=[ShipmentFactory(order__partner=partner)],
    )
    assert general.emergency_plan == plan
    assert emergency_plan_measures(general) == "项目经理按应急事件处理流程全权负责"
    special = incident_open(
        user=org.manager.user,
        title="分拨中心火灾",
        kind="special",
        description="火灾",
        occurred_at=timezone.now(),
        coordination_members=[org.hq],
        partner=partner,
    )
    assert emergency_plan_measures(special) == "总公司领导层综合协调，指挥部设在北京"
    mixed = incident_open(
        user=org.manager.user,
        title="两个项目",
        kind="general",
        description="x",
        occurred_at=timezone.now(),
        project_manager=org.manager,
        shipments=[ShipmentFactory(order__partner=partner), ShipmentFactory()],
    )
    assert mixed.emergency_plan is None and emergency_plan_measures(mixed) == ""


def test_one_plan_in_force_per_project(org):
    """INC-05: a project has one plan in force at a time."""
    partner = PartnerFactory()
    _plan(partner)
    with pytest.raises(IntegrityError):
        _plan(partner, title="第二个")


def test_loss_claim_opens_incident_with_the_projects_loss_measures(org):
    """INC-03, INC-05: a loss starts the emergency plan: the incident opened for the loss is
    linked to the project's plan and the notice carries its loss measures."""
    partner = PartnerFactory()
    plan = _plan(partner)
    shipment = ShipmentFactory(order__partner=partner)
    c = complaint_new(
        org.agent.user, assigned_agent=org.agent, shipment=shipment, category="cargo_loss"
    )
    complaint_accept(c, user=org.agent.user)
    complaint_investigate(c, user=org.agent.user)
    complaint_claim_file(c, user=org.agent.user, kind="compensation", cause="丢件", amount=200)
    incident = Incident.objects.get()
    assert incident.emergency_plan == plan
    notice = Notification.objects.filter(
        link=f"/admin/complaints/incident/{incident.pk}/change/"
    ).first()
    assert notice.body.endswith(
        "乐蜂网项目操作应急方案\n启动应急预案，查找货物，向客户提出赔偿方案"
    )


def test_review_seminar_records_each_posts_authority(org):
    """INC-05: a periodic or ad hoc seminar records the attendees, the review of the incident
    process and each post's authority; without them it is refused."""
    partner = PartnerFactory()
    plan = _plan(partner)
    with pytest.raises(ComplaintError) as info:
        emergency_seminar_record(
            user=org.manager.user,
            held_on=dt.date(2026, 11, 30),
            kind="periodic",
            attendees=[],
            process_review="",
            authorities=[("项目经理", "")],
        )
    assert set(info.value.message_dict) == {"attendees", "process_review", "authorities"}
    with pytest.raises(ComplaintError) as info:
        emergency_seminar_record(
            user=org.manager.user,
            held_on=dt.date(2026, 11, 30),
            kind="periodic",
            attendees=[org.agent],
            process_review="x",
            authorities=[("项目经理", "a"), ("项目经理", "b")],
        )
    assert info.value.message_dict == {"authorities": ["Each post once."]}
    seminar = emergency_seminar_record(
        user=org.manager.user,
        held_on=dt.date(2026, 11, 30),
        kind="periodic",
        plan=plan,
        attendees=[org.agent, org.supervisor],
        process_review="一般事件流程不变；特殊事件增加现场协调小组",
        authorities=post_authorities_parse(
            "项目经理：一般事件全权负责\n客服主管: 500元以内赔偿可直接批准\n\n"
        ),
    )
    assert seminar.partner == partner
    assert list(seminar.authorities.values_list("post", "authority")) == [
        ("项目经理", "一般事件全权负责"),
        ("客服主管", "500元以内赔偿可直接批准"),
    ]
    assert set(seminar.attendees.all()) == {org.agent, org.supervisor}
    with pytest.raises(ComplaintError):
        emergency_seminar_record(
            user=org.agent.user,
            held_on=dt.date(2026, 11, 30),
            kind="ad_hoc",
            attendees=[org.agent],
            process_review="x",
            authorities=[("a", "b")],
        )
    assert EmergencySeminar.objects.count() == 1


def test_admin_incident_page_shows_the_plan_and_seminar_added_in_admin(org, client):
    """INC-05: the incident page shows the plan's procedure; the manager records a seminar in
    the admin with each post's authority, one line per post."""
    client.cookies["django_language"] = "en"
    partner = PartnerFactory()
    _plan(partner)
    inc = incident_open(
        user=org.manager.user,
        title="暴雨延误",
        kind="general",
        description="华南暴雨",
        occurred_at=timezone.now(),
        project_manager=org.manager,
        partner=partner,
    )
    client.force_login(org.manager.user)
    page = client.get(f"/admin/complaints/incident/{inc.pk}/change/").content.decode()
    assert "项目经理按应急事件处理流程全权负责" in page
    response = client.post(
        "/admin/complaints/emergencyseminar/add/",
        {
            "held_on": "2026-11-30",
            "kind": "ad_hoc",
            "attendees": [org.agent.pk],
            "process_review": "复盘暴雨延误",
            "authorities": "项目经理: 调整运输方案\n客服: 通知客户",
        },
    )
    assert response.status_code == 302
    seminar = EmergencySeminar.objects.get()
    assert seminar.authorities.count() == 2 and seminar.kind == "ad_hoc"


def test_plan_and_seminar_lists_run_the_same_queries_for_many_rows(client, org):
    """INC-05: the plans' and the seminars' change lists join their partner and plan (nullable
    keys, not followed by default), so 6 rows cost the same queries as 1."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(org.manager.user)
    partner = PartnerFactory()
    plan = _plan(partner)
    EmergencySeminar.objects.create(
        held_on=dt.date(2026, 11, 1),
        kind="ad_hoc",
        partner=partner,
        plan=plan,
        process_review="x",
        recorded_by=org.manager.user,
    )
    one = (
        queries("/admin/complaints/emergencyplan/"),
        queries("/admin/complaints/emergencyseminar/"),
    )
    for n in range(5):
        other = PartnerFactory()
        other_plan = _plan(other, title=f"方案{n}")
        EmergencySeminar.objects.create(
            held_on=dt.date(2026, 11, 2 + n),
            kind="ad_hoc",
            partner=other,
            plan=other_plan,
            process_review="x",
            recorded_by=org.manager.user,
        )
    many = (
        queries("/admin/complaints/emergencyplan/"),
        queries("/admin/complaints/emergencyseminar/"),
    )
    assert many == one
