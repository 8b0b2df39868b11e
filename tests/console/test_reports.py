"""The reports as stored runs (RPT-01..03, INC-02, CMP-08, CMP-13), read back from their
stored file with exact rows; sent to the roles that read them through the notification outbox;
scheduled by beat."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from complaints.models import (
    Escalation,
    Incident,
    IncidentReport,
    Rectification,
    RectificationMeasure,
    SlaMilestone,
    SupervisionCheck,
    Survey,
)
from complaints.services import call_records_import
from courier.console.services import report_send
from courier.core.models import Notification, ReportRun
from courier.core.reports import report_run, report_run_rows
from courier.periodic import PERIODIC_JOBS
from staffing.models import Department, Employee
from tests.complaints.factories import employee_in_role
from tests.console.conftest import NOW, TODAY, complaint, task
from tests.factories import DepartmentFactory, PartnerFactory

pytestmark = pytest.mark.django_db
M = dt.timedelta(minutes=1)


def rows(name, **params):
    with translation.override("en"):
        run = report_run(name, params=params)
    return report_run_rows(run)


def named(employee, name):
    Employee.objects.filter(pk=employee.pk).update(name=name)
    employee.name = name


def milestone(c, kind, *, done_at, late_minutes=0, minutes=30):
    due = done_at - dt.timedelta(minutes=late_minutes) if late_minutes else done_at + 10 * M
    return SlaMilestone.objects.create(
        complaint=c,
        milestone=kind,
        due_at=due,
        done_at=done_at,
        minutes_taken=minutes,
        met=not late_minutes,
    )


@pytest.fixture
def branches(org):
    """Two branches: 客服部 (王主管's team: 张客服) and 深圳 (李主管's team: 赵客服)."""
    named(org.supervisor, "王主管")
    named(org.agent, "张客服")
    sz = DepartmentFactory(code="sz", name="深圳分公司", name_en="Shenzhen")
    sup2 = employee_in_role("supervisor", supervisor=org.manager, username="sz-supervisor")
    agent2 = employee_in_role("agent", supervisor=sup2, username="sz-agent")
    Employee.objects.filter(pk__in=[sup2.pk, agent2.pk]).update(department=sz)
    named(sup2, "李主管")
    named(agent2, "赵客服")
    org.sz_agent = Employee.objects.get(pk=agent2.pk)
    return org


def test_sla_compliance_per_agent_team_and_branch(branches, clock):
    """RPT-03 (CMP-03/04): first response and solution separately, per agent, then each team's
    and branch's total and the whole; a sandbox partner's complaint and a milestone done
    yesterday are left out."""
    org = branches
    a = [complaint(org.agent) for _ in range(3)]
    milestone(a[0], "response", done_at=NOW - 60 * M)
    milestone(a[1], "response", done_at=NOW - 50 * M)
    milestone(a[2], "response", done_at=NOW - 40 * M, late_minutes=30)
    milestone(a[2], "resolution", done_at=NOW - 5 * M, late_minutes=5)
    milestone(a[0], "response", done_at=NOW - dt.timedelta(days=1), late_minutes=5)
    milestone(complaint(org.sz_agent), "response", done_at=NOW - 20 * M)
    sandbox = PartnerFactory(code="SBX", is_sandbox=True)
    milestone(complaint(org.agent, partner=sandbox), "response", done_at=NOW - M, late_minutes=9)
    header, data = rows("complaints.sla_compliance", start=TODAY, end=TODAY)
    assert header == ["Clock", "Branch", "Team", "Agent", "Met", "Breached", "Met %"]
    cs = "customer-service"
    assert data == [
        ["First response", cs, "王主管", "张客服", "2", "1", "66.67%"],
        ["First response", "sz", "李主管", "赵客服", "1", "0", "100.00%"],
        ["First response", cs, "王主管", "Team total", "2", "1", "66.67%"],
        ["First response", "sz", "李主管", "Team total", "1", "0", "100.00%"],
        ["First response", cs, "", "Branch total", "2", "1", "66.67%"],
        ["First response", "sz", "", "Branch total", "1", "0", "100.00%"],
        ["First response", "", "", "Total", "3", "1", "75.00%"],
        ["Solution", cs, "王主管", "张客服", "0", "1", "0.00%"],
        ["Solution", cs, "王主管", "Team total", "0", "1", "0.00%"],
        ["Solution", cs, "", "Branch total", "0", "1", "0.00%"],
        ["Solution", "", "", "Total", "0", "1", "0.00%"],
    ]


def test_sla_breaches_name_who_failed_and_why(branches, clock):
    """RPT-03: each breach with its clock, deadline, minutes late, the agent, team and branch
    who failed it, and why: the escalation ledger's reason when the deadline passed, then the
    category and severity."""
    org = branches
    c1 = complaint(org.agent)
    c2 = complaint(org.sz_agent, severity="major", category="cargo_damage")
    milestone(c1, "response", done_at=NOW - 40 * M, late_minutes=30)
    milestone(c2, "resolution", done_at=NOW - 5 * M, late_minutes=125)
    milestone(c2, "response", done_at=NOW - 90 * M)
    Escalation.objects.create(
        complaint=c1,
        from_level=1,
        to_level=2,
        trigger="response_breach",
        deadline=NOW - 70 * M,
        escalated_at=NOW - 70 * M,
        reason="首次响应超时,值班客服未接单",
    )
    header, data = rows("complaints.sla_breaches", start=TODAY, end=TODAY)
    assert header[:2] == ["Complaint", "Clock"] and header[-1] == "Why"
    assert data == [
        [
            str(c1.pk),
            "First response",
            "2026-03-10 08:50:00+08:00",
            "2026-03-10 09:20:00+08:00",
            "30",
            "张客服",
            "王主管",
            "customer-service",
            "2",
            "首次响应超时,值班客服未接单; Delay; Ordinary",
        ],
        [
            str(c2.pk),
            "Solution",
            "2026-03-10 07:50:00+08:00",
            "2026-03-10 09:55:00+08:00",
            "125",
            "赵客服",
            "李主管",
            "sz",
            "",
            "Cargo damage; Major",
        ],
    ]


def test_daily_operations_report(org, clock):
    """RPT-01/INC-02: the day's exceptions (each incident: the pre-handled one only recorded
    here, the harmful one with its written report, the one that caused a complaint still
    owing it), abnormal orders, follow-up calls and their rate, re-delivery per business
    company, complaint SLA results, hotline answer rate and orders within 24 h; yesterday's
    incident is not in it."""
    named(org.agent, "张客服")
    named(org.other, "李客服")
    user = org.manager.user
    pre = Incident.objects.create(
        title="地址错误,预处理已更正",
        kind="general",
        description="-",
        occurred_at=NOW - 3 * 60 * M,
        created_by=user,
        handled_in_pre_handling=True,
    )
    harm = Incident.objects.create(
        title="车辆受阻延误",
        kind="general",
        description="-",
        occurred_at=NOW - 2 * 60 * M,
        created_by=user,
        harmed_company=True,
    )
    IncidentReport.objects.create(
        incident=harm,
        cause="封路",
        handling="改线",
        lessons="备线",
        written_by=user,
        written_at=NOW - 60 * M,
    )
    owing = Incident.objects.create(
        title="破损投诉", kind="general", description="-", occurred_at=NOW - 60 * M, created_by=user
    )
    owing.complaints.add(complaint(org.agent))
    Incident.objects.create(
        title="昨天的",
        kind="general",
        description="-",
        occurred_at=NOW - dt.timedelta(days=1),
        created_by=user,
    )
    task(org.agent, org.partner, due_at=NOW + 60 * M, state="done", shipment_state="delivered")
    task(org.agent, org.partner, due_at=NOW + 120 * M)
    task(org.other, org.partner, due_at=NOW + 180 * M)
    abnormal = task(org.other, org.partner, due_at=NOW - dt.timedelta(days=1), state="done")
    type(abnormal).objects.filter(pk=abnormal.pk).update(
        outcome="abnormal", completed_at=NOW - 60 * M
    )
    c = complaint(org.agent)
    milestone(c, "response", done_at=NOW - 60 * M, minutes=10)
    milestone(complaint(org.agent), "response", done_at=NOW - 30 * M, late_minutes=5, minutes=50)
    call_records_import(
        user=user,
        filename="calls.csv",
        content=(
            b"call_id,started_at,answered_at\n"
            b"A1,2026-03-10 08:00:00,2026-03-10 08:00:10\n"
            b"A2,2026-03-10 08:10:00,\n"
            b"A3,2026-03-10 08:20:00,2026-03-10 08:20:05\n"
            b"A4,2026-03-10 08:30:00,2026-03-10 08:30:05\n"
        ),
    )
    header, data = rows("console.daily_operations", day=TODAY)
    assert header == ["Section", "Item", "Count", "Of", "Rate", "Note"]
    assert data == [
        ["Exceptions", "Incidents", "3", "", "", ""],
        ["Exceptions", "Settled by pre-handling", "1", "3", "33.3%", ""],
        ["Exceptions", pre.title, "0", "", "", "Pre-handled: recorded in this report only"],
        ["Exceptions", harm.title, "0", "", "", "Written report on file"],
        ["Exceptions", owing.title, "1", "", "", "Written report required, not yet written"],
        ["Exceptions", "Abnormal orders and untrue station information", "1", "", "", ""],
        ["Follow-up calls", "Done of required", "1", "3", "33.3%", ""],
        ["Follow-up calls", "张客服", "1", "2", "50.0%", ""],
        ["Follow-up calls", "李客服", "0", "1", "0.0%", ""],
        ["Re-delivery", "LF 乐蜂网", "1", "3", "33.3%", ""],
        ["Complaint SLA", "First response met", "1", "2", "50.0%", "average 30.0 active minutes"],
        ["Complaint SLA", "Solution met", "0", "0", "", ""],
        ["Service levels", "Hotline calls answered", "3", "4", "75.0%", ""],
        # the four re-delivery calls' orders were paid today (now): none shipped yet
        ["Service levels", "Orders processed within 24 h", "0", "4", "0.0%", ""],
    ]


def test_branch_matrix_report(branches, clock):
    """RPT-02: one row per branch and day, every column in place even when nothing was
    measured (an empty cell, never a shifted column)."""
    org = branches
    milestone(complaint(org.agent), "response", done_at=NOW - 60 * M)
    milestone(complaint(org.agent), "response", done_at=NOW - 50 * M, late_minutes=3)
    milestone(complaint(org.sz_agent), "resolution", done_at=NOW - 10 * M)
    header, data = rows("console.branch_matrix", start=TODAY, end=TODAY)
    assert len(header) == 10
    assert len(data) == Department.objects.count()  # the seeded departments too, one day each
    ours = [r for r in data if r[0] in ("客服部", "深圳分公司")]
    assert ours == [
        ["客服部", "2026-03-10", "50.0%", "", "", "", "", "", "0", ""],
        ["深圳分公司", "2026-03-10", "", "100.0%", "", "", "", "", "0", ""],
    ]
    assert all(len(r) == 10 for r in data)


def test_satisfaction_and_rectification_effect(org, clock):
    """CMP-13/CMP-08 (RPT-03): the week's answered surveys per agent and category with the
    response rate; each rectification's measures (done, passed supervision, overdue) and its
    effect on satisfaction."""
    named(org.agent, "张客服")
    for i, (score, category) in enumerate([(5, "delay"), (2, "delay"), (4, "cargo_damage")]):
        Survey.objects.create(
            complaint=complaint(org.agent),
            token=f"t{i}",
            agent=org.agent,
            category=category,
            created_at=NOW - dt.timedelta(days=2),
            expires_at=NOW + dt.timedelta(days=5),
            score=score,
            answered_at=NOW - dt.timedelta(days=1),
        )
    Survey.objects.create(
        complaint=complaint(org.agent),
        token="t9",
        agent=org.agent,
        category="delay",
        created_at=NOW - dt.timedelta(days=1),
        expires_at=NOW + dt.timedelta(days=6),
    )
    header, data = rows("complaints.satisfaction", end=TODAY)
    assert data == [
        ["Agent", "张客服", "3", "3.67", "1", "", ""],
        ["Category", "cargo_damage", "1", "4.00", "0", "", ""],
        ["Category", "delay", "2", "3.50", "1", "", ""],
        ["Total", "", "3", "", "", "4", "75.00%"],
    ]
    user = org.manager.user
    done = Rectification.objects.create(
        complaint=complaint(org.agent),
        problem="派件员未联系收件人",
        state="evaluated",
        satisfaction_before=Decimal("2.50"),
        satisfaction_after=Decimal("4.20"),
        improved=True,
        process_improvement="派前电话确认",
        evaluated_by=user,
        evaluated_at=NOW - 60 * M,
        created_by=user,
    )
    m = RectificationMeasure.objects.create(
        rectification=done,
        description="培训",
        owner=org.supervisor,
        due_on=TODAY,
        done_at=NOW - 2 * 60 * M,
    )
    SupervisionCheck.objects.create(
        measure=m, checked_by=user, checked_at=NOW - 90 * M, passed=True
    )
    running = Rectification.objects.create(
        complaint=complaint(org.agent), problem="包装不足", created_by=user
    )
    RectificationMeasure.objects.create(
        rectification=running,
        description="加固包装",
        owner=org.supervisor,
        due_on=TODAY - dt.timedelta(days=1),
    )
    RectificationMeasure.objects.create(
        rectification=running,
        description="抽检",
        owner=org.supervisor,
        due_on=TODAY + dt.timedelta(days=3),
    )
    header, data = rows("complaints.rectification_effects", end=TODAY)
    assert header[-3:] == ["Change", "Improved", "Process improvement"]
    assert data == [
        [
            str(done.complaint_id),
            "Delay",
            "派件员未联系收件人",
            "Effect evaluated",
            "1",
            "1",
            "1",
            "0",
            "2.50",
            "4.20",
            "1.70",
            "Yes",
            "派前电话确认",
        ],
        [
            str(running.complaint_id),
            "Delay",
            "包装不足",
            "Measures under way",
            "2",
            "0",
            "0",
            "1",
            "",
            "",
            "",
            "",
            "",
        ],
    ]


def test_report_sent_to_its_readers_as_a_link(org, clock):
    """RPT-01: the scheduled daily operations report is stored and each supervisor and manager
    gets one notice linking to the run (e-mailed by the outbox); the agents and HQ do not;
    the admin download URL of the run serves CSV and Excel."""
    run = report_send("console.daily_operations", job="console-report-daily-operations")
    assert ReportRun.objects.get() == run and run.job == "console-report-daily-operations"
    notes = Notification.objects.order_by("recipient__username")
    assert [n.recipient.username for n in notes] == ["cs-manager", "cs-supervisor"]
    assert {n.link for n in notes} == {f"/admin/courier/reportrun/{run.pk}/change/"}
    from django.test import Client

    c = Client()
    c.force_login(org.manager.user)
    csv = c.get(f"/admin/courier/reportrun/{run.pk}/download.csv")
    assert csv.status_code == 200 and csv["Content-Type"] == "text/csv; charset=utf-8"
    xlsx = c.get(f"/admin/courier/reportrun/{run.pk}/download.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_reports_are_scheduled_by_beat(org):
    """RPT-01..03, CMP-08, CMP-13: each report has a beat job that runs and sends it."""
    sent = {
        j.kwargs["name"]: j.name for j in PERIODIC_JOBS if j.task == "courier.console.report_send"
    }
    assert sent == {
        "console.daily_operations": "console-report-daily-operations",
        "complaints.sla_compliance": "console-report-sla-compliance",
        "complaints.sla_breaches": "console-report-sla-breaches",
        "console.branch_matrix": "console-report-branch-matrix",
        "complaints.satisfaction": "console-report-satisfaction",
        "complaints.rectification_effects": "console-report-rectification",
    }
    assert Group.objects.filter(name__in=["supervisor", "manager", "hq"]).count() == 3


def test_report_page_shows_a_supervisor_their_own_branch_only(branches, clock):
    """RPT-02/03: on /reports/ a supervisor reads their own branch's figures (trend, breaches by
    cause, branch bars), the manager every branch's."""
    from django.test import Client

    from courier.console import selectors

    org = branches
    milestone(complaint(org.agent), "response", done_at=NOW - 60 * M)
    milestone(
        complaint(org.sz_agent, category="damage"), "response", done_at=NOW - 9 * M, late_minutes=5
    )
    milestone(complaint(org.sz_agent), "response", done_at=NOW - 8 * M)
    own = frozenset({org.agent.department_id})
    figures = selectors.report_charts(TODAY, TODAY, own)
    assert figures["trend"][0]["response"] == 100.0
    assert figures["causes"] == []
    assert [b["department"].pk for b in figures["branches"]] == [org.agent.department_id]
    every = selectors.report_charts(TODAY, TODAY)
    assert every["trend"][0]["response"] == 66.7
    assert [(c["category"], c["breached"]) for c in every["causes"]] == [("damage", 1)]

    def seen(who):
        c = Client(HTTP_ACCEPT_LANGUAGE="en")
        c.force_login(who.user)
        return c.get("/reports/").context["figures"]

    mine = seen(org.supervisor)
    assert [b["department"].pk for b in mine["branches"]] == [org.agent.department_id]
    assert mine["causes"] == []
    assert len(seen(org.manager)["branches"]) == Department.objects.count()


def test_a_scheduled_report_is_sent_once_a_day(org, clock):
    """RPT-01: a redelivered scheduled task finds the day's run: one run, one notice each."""
    first = report_send("console.daily_operations", job="console-report-daily-operations")
    again = report_send("console.daily_operations", job="console-report-daily-operations")
    assert again == first
    assert ReportRun.objects.count() == 1
    assert Notification.objects.count() == 2  # the manager and the supervisor, once


def test_per_agent_reports_are_read_by_their_readers_only(org, clock):
    """RPT-03, ORG-03: the per-agent SLA report's runs (who failed what) are listed, opened and
    downloaded by its readers (supervisors, the manager, HQ) only; an agent, who may view report
    runs, finds none (404), nor finance's; a report naming no readers stays open to them."""
    from django.test import Client

    from courier.console import selectors

    run = report_run("complaints.sla_compliance")
    assert org.agent.user.has_perm("courier.view_reportrun")
    agent, manager = Client(), Client()
    agent.force_login(org.agent.user)
    manager.force_login(org.manager.user)
    assert selectors.report_runs_latest(org.agent.user) == []
    assert selectors.report_runs_latest(org.manager.user) == [run]
    assert agent.get(f"/admin/courier/reportrun/{run.pk}/download.csv").status_code == 404
    assert manager.get(f"/admin/courier/reportrun/{run.pk}/download.csv").status_code == 200
    listed = agent.get("/admin/courier/reportrun/")
    assert listed.status_code == 200 and listed.context["cl"].result_count == 0
    assert report_run("finance.receivables_ageing") not in selectors.report_runs_latest(
        org.agent.user
    )
    open_run = report_run("tracking.delay_causes")
    assert selectors.report_runs_latest(org.agent.user) == [open_run]
