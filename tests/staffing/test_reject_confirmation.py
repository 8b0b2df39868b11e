"""Issue 17 point 4: a reject on the approvals page cannot be undone, so it is never one click:
the first POST shows a confirmation page and changes nothing; the confirmed POST rejects."""

import pytest
import time_machine
from django.urls import reverse

from staffing.models import RequestState, SwapRequest
from tests.staffing.factories import at, team
from tests.staffing.test_pages import EN, _ready_swap

pytestmark = pytest.mark.django_db


@time_machine.travel(at("2026-03-02", "10:00"), tick=False)
def test_reject_on_the_approvals_page_asks_for_confirmation_first(client):
    """STF-09: pressing "Reject" shows a confirmation page (200) carrying the reason typed, and
    the swap still waits for the supervisor; the confirmed POST rejects it with that reason."""
    supervisor, (a, b) = team(2)
    swap = _ready_swap(a, b)
    client.force_login(supervisor.user)
    url = reverse("staffing:decide", args=["swap", swap.pk])
    response = client.post(url, {"decision": "reject", "reason": "team is short"}, **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "A rejection cannot be undone" in body
    assert 'name="confirmed" value="on"' in body and 'value="team is short"' in body
    assert SwapRequest.objects.get(pk=swap.pk).state == RequestState.AWAITING_SUPERVISOR
    response = client.post(
        url, {"decision": "reject", "reason": "team is short", "confirmed": "on"}, **EN
    )
    assert response.status_code == 302
    swap = SwapRequest.objects.get(pk=swap.pk)
    assert (swap.state, swap.decision_reason) == (RequestState.REJECTED, "team is short")
