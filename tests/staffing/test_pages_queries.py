"""Issue 14 item 4: the employee's score page and the supervisor's approvals page paginate, so
their work does not grow with the number of events or pending requests."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from staffing.models import LeaveRequest, PunchCorrection, RequestState, ScoreEvent, SwapRequest
from tests.staffing.factories import entry, leave_type, team
from tests.staffing.scoring_factories import (
    EmployeeFactory,
    ScoreEventFactory,
    at,
    fast_passwords,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db


def _events(employee, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        ScoreEventFactory(employee=employee, occurred_at=at(2026, 3, 15, 8) + timedelta(minutes=i))


def _queries(client, url, params=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@time_machine.travel(at(2026, 3, 21), tick=False)
def test_my_score_pages_the_events_and_counts_the_whole_month(client):
    """SCR-01: /scoring/me/ shows 50 events a page and runs the same number of queries for 3
    events as for 120; the running figures still count every event of the month."""
    me = EmployeeFactory()
    client.force_login(me.user)
    url = reverse("scoring:mine")
    _events(me, 3)
    few, small = _queries(client, url, {"month": "2026-03"})
    _events(me, 117, start=3)
    many, first = _queries(client, url, {"month": "2026-03"})
    assert few == many
    assert len(first.context["events"]) == 50
    assert first.context["page_obj"].paginator.num_pages == 3
    last = client.get(url, {"month": "2026-03", "page": "3"})
    assert len(last.context["events"]) == 20
    assert ScoreEvent.objects.filter(employee=me).count() == 120
    assert first.context["line"].final_score < small.context["line"].final_score
    assert 'id="pager"' in first.content.decode()


def _corrections(employee, n: int) -> None:
    now = timezone.now()
    PunchCorrection.objects.bulk_create(
        [
            PunchCorrection(
                employee=employee,
                date=(now - timedelta(hours=i)).date(),
                direction="in",
                at=now - timedelta(hours=i),
                reason="card reader",
                filed_at=now,
            )
            for i in range(n)
        ]
    )


def test_approvals_page_shows_twenty_requests_a_page_whatever_is_pending(client):
    """STF-09: the approvals page lists 20 pending requests a page and its queries do not
    depend on how many are pending beyond the page (25 or 60 pending: the same count)."""
    supervisor, (agent,) = team(1)
    client.force_login(supervisor.user)
    url = reverse("staffing:approvals")
    _corrections(agent, 25)
    fewer, first = _queries(client, url)
    assert len(first.context["corrections"]) == 20
    assert first.context["page_obj"].paginator.count == 25
    second = client.get(url, {"page": "2"})
    assert len(second.context["corrections"]) == 5
    _corrections(agent, 35)
    more, again = _queries(client, url)
    assert fewer == more
    assert again.context["page_obj"].paginator.count == 60


# --- STF-09: the approvals page's rules are read for the whole page at once -----------------------


def _day(i: int) -> date:
    return date(2026, 3, 10) + timedelta(days=i)


def _pending(kind: str, agents, n: int) -> None:
    """``n`` requests of ``kind`` waiting for the supervisor of ``agents`` (two agents)."""
    a, b = agents
    now = timezone.now()
    for i in range(n):
        own = entry(a, _day(i), "cs-early")
        entry(b, _day(i), "cs-late")
        if kind == "swap":
            SwapRequest.objects.create(
                requester=a,
                colleague=b,
                date=own.date,
                handover_note="queue empty",
                state=RequestState.AWAITING_SUPERVISOR,
                requested_at=now,
                expires_at=now + timedelta(days=3),
                colleague_answered_at=now,
            )
        elif kind == "leave":
            LeaveRequest.objects.create(
                requester=a,
                entry=own,
                leave_type=leave_type("personal"),
                addressed_to=a.supervisor,
                cover=None if i % 2 else b,  # half with a cover (STF-08's check), the first too
                state=RequestState.AWAITING_SUPERVISOR,
                requested_at=now,
                expires_at=now + timedelta(days=3),
                cover_answered_at=None if i % 2 else now,
            )
        else:  # back from 1 March: two months' applications
            _corrections_on(a, [_day(-9 - i)])


def _corrections_on(employee, days) -> None:
    now = timezone.now()
    for day in days:
        PunchCorrection.objects.create(
            employee=employee,
            date=day,
            direction="in",
            at=at(day.year, day.month, day.day, 9),
            reason="card reader",
            filed_at=now,
        )


def _approvals(client, supervisor) -> tuple[int, object]:
    client.force_login(supervisor.user)
    return _queries(client, reverse("staffing:approvals"))


# Per page, whatever the number of requests on it: the page's own 12 (session, user, the
# employee and the menu, the three pending lists, the policy, ...), then per kind present:
# swaps 5 (roster entries + their shift sessions, holidays, the month's approved swaps, swaps
# next to them) + 1 on-duty list; leaves 1 (shift sessions) + 3 (swaps of the day, other
# leaves, holidays) + 4 when one has a cover (the cover's duty + sessions, their covers +
# sessions) + 1 on-duty list; corrections 1 (the month's applications).
EXPECTED_APPROVALS_QUERIES = {"swap": 18, "leave": 21, "correction": 13}


@time_machine.travel(at(2026, 3, 2, 10), tick=False)
@pytest.mark.parametrize("kind", ["swap", "leave", "correction"])
def test_approvals_page_queries_are_the_same_for_one_and_twenty_requests(client, kind):
    """STF-09: the approvals page with 1 or with 20 pending requests of a kind (swaps; leaves,
    half with a cover; punch corrections) runs exactly the same number of queries: every rule's
    facts are read once for the whole page."""
    one_supervisor, one_team = team(2)
    many_supervisor, many_team = team(2)
    _pending(kind, one_team, 1)
    _pending(kind, many_team, 20)
    one, small = _approvals(client, one_supervisor)
    many, large = _approvals(client, many_supervisor)
    listed = {"swap": "swaps", "leave": "leaves", "correction": "corrections"}[kind]
    assert (len(small.context[listed]), len(large.context[listed])) == (1, 20)
    assert (one, many) == (EXPECTED_APPROVALS_QUERIES[kind],) * 2


@time_machine.travel(at(2026, 3, 2, 10), tick=False)
def test_approvals_page_rules_equal_the_one_by_one_answers(client):
    """STF-09, STF-03..08, ATT-02: the rules the page shows for each request (read for the whole
    page) are exactly those the decision services compute one request at a time."""
    from staffing.services import attendance as attendance_services
    from staffing.services import leave as leave_services
    from staffing.services import swaps as swap_services

    supervisor, agents = team(2)
    _pending("swap", agents, 4)
    a, b = agents
    _corrections_on(a, [_day(-9 - i) for i in range(4)])
    now = timezone.now()
    for i in range(4):  # leaves on the swaps' days: "swapped" and "busy cover" answers differ
        own = a.roster.get(date=_day(i))
        LeaveRequest.objects.create(
            requester=a,
            entry=own,
            leave_type=leave_type("personal"),
            addressed_to=supervisor,
            cover=b if i % 2 else None,
            state=RequestState.AWAITING_SUPERVISOR,
            requested_at=now,
            expires_at=now + timedelta(days=3),
            cover_answered_at=now if i % 2 else None,
        )
    _count, page = _approvals(client, supervisor)
    me = supervisor

    def shown(items):
        return [[(r.code, r.passed) for r in item["rules"]] for item in items]

    def alone(rules):
        return [[(r.code, r.passed) for r in results] for results in rules]

    ctx = page.context
    assert len(ctx["swaps"]) == 4 and len(ctx["leaves"]) == 4 and len(ctx["corrections"]) == 4
    assert shown(ctx["swaps"]) == alone(
        swap_services.swap_rules_for(i["obj"], approver=me) for i in ctx["swaps"]
    )
    assert shown(ctx["leaves"]) == alone(
        leave_services.leave_rules_for(i["obj"], approver=me) for i in ctx["leaves"]
    )
    assert shown(ctx["corrections"]) == alone(
        attendance_services.correction_rules_for(i["obj"], approver=me) for i in ctx["corrections"]
    )
    # The facts are not all the same (the comparison proves something): a swapped day, a cover.
    leave_keys = {(r.code, r.passed) for item in ctx["leaves"] for r in item["rules"]}
    assert len({passed for _c, passed in leave_keys}) == 2
