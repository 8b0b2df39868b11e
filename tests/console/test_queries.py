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
    """RPT-02: the branch x day matrix reads 8 queries whatever the rows (one finds the
    scope), the page 18."""
    fill(org, n)
    with django_assert_num_queries(8):
        selectors.manager_home(org.manager.user, NOW)
    page_queries(org, org.manager, django_assert_num_queries, 18)
