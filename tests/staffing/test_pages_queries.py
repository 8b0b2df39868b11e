"""Issue 14 item 4: the employee's score page and the supervisor's approvals page paginate, so
their work does not grow with the number of events or pending requests."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from staffing.models import PunchCorrection, ScoreEvent
from tests.staffing.factories import team
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
