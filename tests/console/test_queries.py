"""The console's homes cost a fixed number of queries, the same with 1 row as with 50."""

import datetime as dt

import pytest
from django.test import Client

from courier.console import selectors
from tests.console.conftest import NOW, TODAY, complaint, contact, task
from tests.staffing.factories import entry

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def fill(org, n):
    for i in range(n):
        complaint(org.agent, respond_by=NOW + (i % 3 - 1) * H)
        task(org.agent, org.partner, due_at=NOW + (i % 3 - 1) * H)
        task(org.other, org.partner, reason="chase", due_at=NOW - H)
        contact(org.agent)
    entry(org.agent, TODAY, "cs-early")
    entry(org.other, TODAY, "cs-late")


def page_queries(org, who, django_assert_num_queries, expected):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(who.user)
    c.get("/")  # the first request also writes the session's language and axes rows
    with django_assert_num_queries(expected):
        assert c.get("/").status_code == 200


@pytest.mark.parametrize("n", [1, 50])
def test_agent_home_queries(org, clock, n, django_assert_num_queries):
    """TRK-04/05, CMP-03/04: the agent's home reads 3 queries, the page 13 (session, user,
    employee, the home, the admin header's links and app list), with 1 or 50 rows of each kind."""
    fill(org, n)
    with django_assert_num_queries(3):
        home = selectors.agent_home(org.agent, NOW)
    assert len(home["complaints"]) == n
    page_queries(org, org.agent, django_assert_num_queries, 13)


@pytest.mark.parametrize("n", [1, 50])
def test_supervisor_board_queries(org, clock, n, django_assert_num_queries):
    """CMP-03/04, TRK-04/05, STF-09: the supervisor's board reads 10 queries with 1 or 50
    complaints, calls, chases and duty rows (no request pending), the page 23."""
    fill(org, n)
    with django_assert_num_queries(10):
        board = selectors.supervisor_board(org.supervisor, NOW)
    assert len(board["overdue_chases"]) == n
    page_queries(org, org.supervisor, django_assert_num_queries, 23)


@pytest.mark.parametrize("n", [1, 50])
def test_manager_matrix_queries(org, clock, n, django_assert_num_queries):
    """RPT-02/CMP-12/SCR-04: the branch x day matrix reads 11 queries whatever the rows (one
    finds the scope; three measure the service levels: orders, calls, corrections; two find
    each branch's settlement of the payday-to-payday score period: the policy's payday and the
    settlements), the page 21."""
    fill(org, n)
    with django_assert_num_queries(11):
        selectors.manager_home(org.manager.user, NOW)
    page_queries(org, org.manager, django_assert_num_queries, 21)


@pytest.mark.parametrize("n", [1, 50])
def test_report_page_queries(org, clock, n, django_assert_num_queries):
    """RPT-02/03: the report page's charts read 5 queries whatever the rows, the page 18
    (session, user, employee, the scope, the charts, the reader's groups and the stored runs
    they read, the admin header), with
    1 or 50 complaints, milestones, calls and stored runs."""
    from complaints.models import Complaint, SlaMilestone
    from courier.core.reports import report_run

    fill(org, n)
    for i, c in enumerate(Complaint.objects.order_by("pk")):
        SlaMilestone.objects.create(
            complaint=c,
            milestone="response",
            due_at=NOW - H,
            done_at=NOW - H + i * dt.timedelta(seconds=1),
            minutes_taken=5,
            met=i % 2 == 0,
        )
    for _i in range(min(n, 3)):
        report_run("complaints.sla_compliance")
    with django_assert_num_queries(5):
        selectors.report_charts(TODAY - dt.timedelta(days=13), TODAY)
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(org.manager.user)
    c.get("/reports/")
    with django_assert_num_queries(18):
        response = c.get("/reports/")
    assert response.status_code == 200
    assert response.content.decode().count('class="console-chart"') == 4
