"""The ops console: a home for each role at ``/`` and as the admin index (issue 16, item 1)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from complaints.models import Incident, ServiceLevelDay, SlaMilestone
from courier.console import selectors
from staffing.models import Department, Settlement
from tests.console.conftest import NOW, TODAY, complaint, contact, task
from tests.factories import EmployeeFactory
from tests.staffing.factories import entry

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def client_of(employee_or_user):
    user = getattr(employee_or_user, "user", employee_or_user)
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.fixture
def root():
    user = get_user_model().objects.create_superuser("root", "root@courier.example", "pw-1-root")
    return client_of(user)


def rows_behind(root, url) -> list[int]:
    """The ids the admin change list shows for a figure's link."""
    response = root.get(url)
    assert response.status_code == 200, url
    cl = response.context_data["cl"]
    return sorted(obj.pk for obj in cl.queryset)


def test_anonymous_root_is_the_login_page(client):
    """RPT-01: ``/`` sends an anonymous visitor to the login page, back to ``/`` afterwards."""
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/"


def test_agent_queue_with_time_left_and_links(org, clock, partner_rows, root):
    """TRK-04/05/01, CMP-03/04: the agent's home lists my open complaints nearest deadline
    first with the minutes left on the running clock, my calls and chases due today and my
    contacts to route; each count links to exactly those rows."""
    late = complaint(org.agent, respond_by=NOW - 10 * M)
    soon = complaint(
        org.agent, responded_at=NOW - H, respond_by=NOW - 30 * M, resolve_by=NOW + 90 * M
    )
    complaint(org.other, respond_by=NOW + H)  # someone else's
    complaint(org.agent, respond_by=NOW + H, state="closed")  # not open
    call = task(org.agent, partner_rows, due_at=NOW + 3 * H)
    task(org.agent, partner_rows, due_at=NOW + 30 * H)  # tomorrow
    chase = task(org.agent, partner_rows, reason="chase", due_at=NOW - H)
    mine = contact(org.agent)
    contact(org.agent, state="closed")

    home = selectors.agent_home(org.agent, NOW)
    assert [(c.pk, c.minutes_left) for c in home["complaints"]] == [(late.pk, -10), (soon.pk, 90)]
    assert (home["calls"], home["chases"], home["contacts"]) == ([call], [chase], [mine])
    assert rows_behind(root, home["complaints_link"]) == [late.pk, soon.pk]
    assert rows_behind(root, home["calls_link"]) == [call.pk]
    assert rows_behind(root, home["chases_link"]) == [chase.pk]
    assert rows_behind(root, home["contacts_link"]) == [mine.pk]

    page = client_of(org.agent).get("/")
    assert page.status_code == 200
    assert page.context["console_role"] == "agent"
    body = page.content.decode()
    assert "2 open complaints" in body and "1 call due today" in body
    assert "10 (past)" in body


def test_supervisor_board_figures_and_links(org, clock, partner_rows, root):
    """CMP-03/04, TRK-04/05, STF-09: the supervisor's board counts the complaints of the
    department whose first-response or solution clock passes within the hour and those already
    past, the unassigned open ones, overdue calls and chases, the requests awaiting approval
    with each rule's result, who is on duty now and next, and today's revisit rate; every
    figure's link opens exactly its rows."""
    respond_soon = complaint(org.agent, respond_by=NOW + 20 * M)
    complaint(org.agent, respond_by=NOW + 2 * H)  # not within the hour
    respond_late = complaint(org.other, respond_by=NOW - 5 * M)
    resolve_soon = complaint(
        org.agent, responded_at=NOW - H, respond_by=NOW, resolve_by=NOW + 59 * M
    )
    resolve_late = complaint(org.other, responded_at=NOW - H, respond_by=NOW, resolve_by=NOW - H)
    complaint(None, respond_by=NOW + 10 * M)  # unassigned
    outsider = EmployeeFactory(department=Department.objects.create(code="bj", name="北京"))
    complaint(outsider, respond_by=NOW - H)  # another department
    overdue_call = task(org.agent, partner_rows, due_at=NOW - H)
    overdue_chase = task(org.other, partner_rows, reason="chase", due_at=NOW - 2 * H)
    task(org.agent, partner_rows, due_at=NOW + H)  # not overdue
    task(org.agent, partner_rows, due_at=NOW - 3 * H, state="done")
    entry(org.agent, TODAY, "cs-early")
    entry(org.other, TODAY, "cs-late")

    board = selectors.supervisor_board(org.supervisor, NOW)
    assert board["respond_soon"] == [respond_soon]
    assert board["respond_breached"] == [respond_late]
    assert board["resolve_soon"] == [resolve_soon]
    assert board["resolve_breached"] == [resolve_late]
    assert board["unassigned"] == 1
    assert board["overdue_calls"] == [overdue_call]
    assert board["overdue_chases"] == [overdue_chase]
    for key, expected in [
        ("respond_soon", [respond_soon.pk]),
        ("respond_breached", [respond_late.pk]),
        ("resolve_soon", [resolve_soon.pk]),
        ("resolve_breached", [resolve_late.pk]),
        ("overdue_calls", [overdue_call.pk]),
        ("overdue_chases", [overdue_chase.pk]),
    ]:
        assert rows_behind(root, board[f"{key}_link"]) == expected, key
    assert len(rows_behind(root, board["unassigned_link"])) == 1
    # Today's calls (due on the 10th, not cancelled): 4 required, 1 done.
    assert (board["revisit"]["done"], board["revisit"]["required"]) == (1, 4)
    assert board["revisit"]["rate"] == 25.0
    assert len(rows_behind(root, board["revisit"]["link"])) == 4
    assert board["revisit"]["team_rate"] == 25.0
    duty = board["duty"]
    assert [e.employee for e in duty["now"]] == [org.agent]
    assert [e.employee for e in duty["next"]] == [org.other]

    page = client_of(org.supervisor).get("/")
    assert page.status_code == 200
    assert page.context["console_role"] == "supervisor"
    assert 'id="respond-breached"' in page.content.decode()


def test_supervisor_sees_each_rule_of_a_pending_request(org, clock):
    """STF-09: a request awaiting the supervisor shows on the board with each rule's result."""
    from staffing.models import CorrectionState, PunchCorrection

    PunchCorrection.objects.create(
        employee=org.agent,
        date=TODAY,
        direction="in",
        at=NOW - 2 * H,
        reason="忘记打卡",
        filed_at=NOW - H,
        state=CorrectionState.PENDING,
    )
    approvals = selectors.supervisor_board(org.supervisor, NOW)["approvals"]
    assert approvals["count"] == 1 and approvals["counts"]["corrections"] == 1
    [checked] = approvals["checked"]
    assert checked["kind"] == "correction"
    assert checked["rules"] and all(r.passed for r in checked["rules"])
    body = client_of(org.supervisor).get("/").content.decode()
    assert "1 request awaits my approval" in body and "rule-pass" in body


def test_manager_branch_day_matrix(org, clock, partner_rows, root):
    """RPT-02, CMP-12: the manager's view per branch and day: first-response and solution SLA
    met %, revisit %, re-delivery success %, open incidents, the settlement state, the hotline
    answer rate and the orders processed within 24 h; each figure links to its rows."""
    yesterday = NOW - dt.timedelta(days=1)
    c1 = complaint(org.agent, responded_at=yesterday, respond_by=yesterday)
    c2 = complaint(org.other, responded_at=yesterday, respond_by=yesterday)
    SlaMilestone.objects.create(
        complaint=c1,
        milestone="response",
        due_at=yesterday,
        done_at=yesterday,
        minutes_taken=5,
        met=True,
    )
    SlaMilestone.objects.create(
        complaint=c2,
        milestone="response",
        due_at=yesterday,
        done_at=yesterday,
        minutes_taken=50,
        met=False,
    )
    task(org.agent, partner_rows, due_at=NOW - H, state="done", shipment_state="delivered")
    task(org.agent, partner_rows, due_at=NOW - H, state="done")
    task(org.agent, partner_rows, due_at=NOW - H, reason="no_feedback")
    task(org.agent, partner_rows, due_at=NOW - H, state="cancelled")
    Incident.objects.create(
        title="暴雨",
        kind="general",
        description="-",
        occurred_at=NOW,
        project_manager=org.manager,
        created_by=org.manager.user,
    )
    Settlement.objects.create(department=org.agent.department, month=TODAY.replace(day=1))
    ServiceLevelDay.objects.create(
        day=TODAY,
        orders_received=200,
        orders_within_24h=196,
        calls_offered=400,
        calls_answered=393,
        recorded_by=org.manager.user,
    )

    matrix = selectors.manager_home(org.manager.user, NOW)
    assert matrix["days"][0] == TODAY - dt.timedelta(days=6) and matrix["days"][-1] == TODAY
    row = next(r for r in matrix["rows"] if r["department"] == org.agent.department)
    y, t = row["cells"][-2], row["cells"][-1]
    assert (y["response"]["met"], y["response"]["total"], y["response"]["rate"]) == (1, 2, 50.0)
    assert rows_behind(root, y["response"]["link"]) == sorted([c1.pk, c2.pk])
    assert (t["revisit"]["done"], t["revisit"]["required"], t["revisit"]["rate"]) == (2, 3, 66.7)
    assert len(rows_behind(root, t["revisit"]["link"])) == 3
    assert (t["redelivery"]["volume"], t["redelivery"]["delivered"]) == (2, 1)
    assert t["redelivery"]["rate"] == 50.0
    assert len(rows_behind(root, t["redelivery"]["link"])) == 2
    assert row["incidents"] == 1 and len(rows_behind(root, row["incidents_link"])) == 1
    assert row["settlement"].state == "open"
    assert matrix["levels"][-1]["answer_rate"] == pytest.approx(98.25)
    assert matrix["levels"][-1]["orders_rate"] == 98
    assert len(rows_behind(root, matrix["levels"][-1]["link"])) == 1

    page = client_of(org.manager).get("/")
    assert page.status_code == 200 and page.context["console_role"] == "manager"
    assert 'id="matrix"' in page.content.decode()


def test_admin_index_shows_the_role_home(org, clock):
    """RPT-01: the admin index carries the role's home above the list of models."""
    response = client_of(org.supervisor).get("/admin/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="console-board"' in body and 'id="console-agent"' in body


@pytest.fixture
def partner_rows(org):
    return org.partner
