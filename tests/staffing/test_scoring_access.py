"""The rules moved out of the scoring views: the appeal window (one, shared by the page and the
service), who reads which department, who submits, approves and decides, and the roster
page's windows."""

import doctest
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from staffing import selectors
from staffing.models import Department, Position, ScoreAppeal, ScoringPolicy
from staffing.rules import scoring as rules
from staffing.services.scoring import (
    ScoringError,
    appeal_file,
    appeal_window_open,
    score_event_record,
)
from tests.factories import DepartmentFactory
from tests.staffing.factories import entry
from tests.staffing.scoring_factories import (
    EmployeeFactory,
    UserFactory,
    at,
    fast_passwords,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db
RECORDED = at(2026, 3, 20, 10)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def two_departments():
    return DepartmentFactory(), DepartmentFactory(code="operations", name="运营部")


def _event_recorded_at(moment, **employee):
    agent = EmployeeFactory(**employee)
    with time_machine.travel(moment, tick=False):
        event = score_event_record(
            employee=agent, rule_code="G5", source=None, occurred_at=at(2026, 3, 15)
        )
    assert event.recorded_at == moment
    return event


def _page_offers_appeal(client, event) -> bool:
    client.force_login(event.employee.user)
    response = client.get(reverse("scoring:mine"), {"month": "2026-03"})
    (shown,) = [e for e in response.context["events"] if e.pk == event.pk]
    return shown.can_appeal


@pytest.mark.parametrize(
    ("after", "in_time"),
    [
        (timedelta(days=2) - timedelta(seconds=1), True),
        (timedelta(days=2), True),
        (timedelta(days=2, seconds=1), False),
    ],
)
def test_appeal_window_boundary_page_and_service_agree(client, after, in_time):
    """SCR-09: an event can be appealed up to the policy's number of days after it was
    recorded, the deadline itself included and one second later refused; the page's appeal
    button, the service predicate and the filing through the page all give the same answer."""
    policy = ScoringPolicy.current()
    policy.appeal_days = 2
    policy.save()
    event = _event_recorded_at(RECORDED)
    now = RECORDED + after
    assert rules.appeal_deadline(event.recorded_at, 2) == RECORDED + timedelta(days=2)
    assert appeal_window_open(event, now) is in_time
    with time_machine.travel(now, tick=False):
        assert _page_offers_appeal(client, event) is in_time
        response = client.post(
            reverse("scoring:appeal", args=[event.pk]), {"reason": "not me"}, follow=True, **EN
        )
    texts = [str(m) for m in response.context["messages"]]
    if in_time:
        assert texts == ["Your appeal is filed; the supervisor will decide it."]
        assert ScoreAppeal.objects.get().event == event
    else:
        assert texts == ["Appeals are accepted within 2 days of the event being recorded."]
        assert not ScoreAppeal.objects.exists()


def test_appeal_service_refuses_one_second_after_the_deadline():
    """SCR-09: ``appeal_file`` at the deadline files; one second after, it refuses (3 days by
    default)."""
    event = _event_recorded_at(RECORDED)
    deadline = RECORDED + timedelta(days=ScoringPolicy.current().appeal_days)
    assert deadline == RECORDED + timedelta(days=3)
    with pytest.raises(ScoringError, match="within 3 days"):
        appeal_file(
            event=event, user=event.employee.user, reason="x", now=deadline + timedelta(seconds=1)
        )
    assert appeal_file(event=event, user=event.employee.user, reason="x", now=deadline).pk


def test_reversed_event_is_not_offered_for_appeal(client):
    """SCR-09: a reversed event and its reversal carry no appeal button, even in time."""
    from staffing.services.scoring import score_event_cancel

    event = _event_recorded_at(RECORDED)
    with time_machine.travel(RECORDED + timedelta(hours=1), tick=False):
        score_event_cancel(event, reason="wrong person")
        client.force_login(event.employee.user)
        response = client.get(reverse("scoring:mine"), {"month": "2026-03"})
    assert [(e.kind, e.is_reversed, e.can_appeal) for e in response.context["events"]] == [
        ("record", True, False),
        ("reversal", False, False),
    ]


EVERY_DEPARTMENT = {Position.MANAGER, Position.HQ, Position.FINANCE}
OWN_DEPARTMENT = {Position.SUPERVISOR, Position.PLATFORM_SUPERVISOR}


@pytest.mark.parametrize("position", Position.values)
def test_department_visibility_per_position(client, two_departments, position):
    """ORG-03, SCR-07: the score board of a department is open to a manager, HQ and finance for
    every department, to a supervisor or platform supervisor for their own only, and to nobody
    else (agents, pre-sales, after-sales, printing desk, warehouse: not even their own)."""
    own, other = two_departments
    me = EmployeeFactory(department=own, position=position)
    expected = {
        own.pk: position in EVERY_DEPARTMENT | OWN_DEPARTMENT,
        other.pk: position in EVERY_DEPARTMENT,
    }
    scope = selectors.department_scope(me.user)
    assert (scope is None) is (position in EVERY_DEPARTMENT)
    assert {d: selectors.department_visible_to(me.user, d) for d in expected} == expected
    every, mine = set(Department.objects.all()), {own} if expected[own.pk] else set()
    assert set(selectors.departments_visible_to(me.user)) == (
        every if position in EVERY_DEPARTMENT else mine
    )
    client.force_login(me.user)
    board = reverse("scoring:board")
    assert {
        d: client.get(board, {"department": d, "month": "2026-03"}).status_code for d in expected
    } == {d: 200 if seen else 403 for d, seen in expected.items()}
    opened = client.get(reverse("scoring:settlement-open"), {"department": other.pk})
    assert opened.status_code == (302 if expected[other.pk] else 403)


def test_department_visibility_without_a_profile(client, two_departments):
    """ORG-03: a superuser reads every department; a login without an employee profile none
    (and has no board of its own to default to)."""
    own, other = two_departments
    root = UserFactory(username="root", is_superuser=True)
    nobody = UserFactory(username="nobody")
    assert selectors.department_scope(root) is None
    assert selectors.department_scope(nobody) == frozenset()
    assert set(selectors.departments_visible_to(root)) == set(Department.objects.all())
    assert not selectors.departments_visible_to(nobody).exists()
    client.force_login(nobody)
    assert client.get(reverse("scoring:board"), {"department": own.pk}).status_code == 403
    assert client.get(reverse("scoring:board")).status_code == 404


def test_statement_visible_to_its_person_and_department_readers(two_departments):
    """ORG-03, SCR-04: a statement is read by the person it is about and by whoever reads the
    department, not by a colleague."""
    own, other = two_departments
    agent = EmployeeFactory(department=own)
    colleague = EmployeeFactory(department=own)
    boss = EmployeeFactory(department=own, position=Position.SUPERVISOR)
    foreign_boss = EmployeeFactory(department=other, position=Position.SUPERVISOR)
    finance = EmployeeFactory(department=other, position=Position.FINANCE)
    seen = {
        who.number: selectors.statement_visible_to(who.user, agent, own.pk)
        for who in (agent, colleague, boss, foreign_boss, finance)
    }
    assert seen == {
        agent.number: True,
        colleague.number: False,
        boss.number: True,
        foreign_boss.number: False,
        finance.number: True,
    }


@pytest.mark.parametrize("position", Position.values)
def test_who_submits_and_approves_settlements(two_departments, position):
    """SCR-07: the department's CS supervisor submits its sheet (not a platform supervisor, not
    another department's supervisor); only a manager approves."""
    own, other = two_departments
    me = EmployeeFactory(department=own, position=position)
    assert selectors.user_supervises_department(me.user, own.pk) is (
        position == Position.SUPERVISOR
    )
    assert selectors.user_supervises_department(me.user, other.pk) is False
    assert selectors.user_is_manager(me.user) is (position == Position.MANAGER)


def test_who_decides_an_appeal(two_departments):
    """SCR-09: the employee's own supervisor (whatever their department), a CS supervisor of
    the department, a manager of any department or a superuser decides an appeal; not the
    employee, a colleague, a platform supervisor or another department's supervisor."""
    own, other = two_departments
    far_boss = EmployeeFactory(department=other, position=Position.SUPERVISOR)
    agent = EmployeeFactory(department=own, supervisor=far_boss)
    deciders = {
        "self": agent.user,
        "colleague": EmployeeFactory(department=own).user,
        "own supervisor": far_boss.user,
        "department supervisor": EmployeeFactory(department=own, position=Position.SUPERVISOR).user,
        "platform supervisor": EmployeeFactory(
            department=own, position=Position.PLATFORM_SUPERVISOR
        ).user,
        "other supervisor": EmployeeFactory(department=other, position=Position.SUPERVISOR).user,
        "manager elsewhere": EmployeeFactory(department=other, position=Position.MANAGER).user,
        "superuser": UserFactory(username="root", is_superuser=True),
        "no profile": UserFactory(username="nobody"),
    }
    assert {k: selectors.user_may_decide_appeal(u, agent) for k, u in deciders.items()} == {
        "self": False,
        "colleague": False,
        "own supervisor": True,
        "department supervisor": True,
        "platform supervisor": False,
        "other supervisor": False,
        "manager elsewhere": True,
        "superuser": True,
        "no profile": False,
    }


def test_scoring_rule_docstring_examples_run():
    """SCR-09, SCR-02: the examples in the scoring rules' docstrings run and hold."""
    result = doctest.testmod(rules, raise_on_error=False)
    assert result.failed == 0
    assert result.attempted >= 9


@time_machine.travel(at(2026, 3, 2, 10), tick=False)
def test_roster_page_and_feed_windows(client):
    """STF-02: my roster page shows a week back and four weeks ahead; the iCalendar feed a
    month back and a quarter ahead (one event per session of the split early shift)."""
    from staffing.models import CalendarFeed

    today = date(2026, 3, 2)
    me = EmployeeFactory()
    for days in (-31, -30, -8, -7, 28, 29, 90, 91):
        entry(me, today + timedelta(days=days), "cs-early")
    client.force_login(me.user)
    response = client.get(reverse("staffing:roster"))
    assert [e.date for e in response.context["duty"]] == [
        today - timedelta(days=7),
        today + timedelta(days=28),
    ]
    feed = CalendarFeed.objects.get(employee=me)
    body = client.get(reverse("staffing:calendar", args=[feed.token])).content.decode()
    assert body.count("BEGIN:VEVENT") == 2 * 6
    assert "DTSTART;TZID=Asia/Shanghai:20260131" in body  # 30 days back
    assert "DTSTART;TZID=Asia/Shanghai:20260130" not in body  # 31 days back
    assert "DTSTART;TZID=Asia/Shanghai:20260531" in body  # 90 days ahead
    assert "DTSTART;TZID=Asia/Shanghai:20260601" not in body  # 91 days ahead
