import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from staffing.models import (
    Department,
    Holiday,
    RosterEntry,
    RosterPattern,
    RosterPatternMember,
    RosterPatternStep,
)
from staffing.tasks.staff import holidays_seed_next_year, requests_expire
from tests.factories import UserFactory
from tests.staffing.factories import at, shift, team

pytestmark = pytest.mark.django_db

PAGES = [
    "staffingpolicy",
    "holiday",
    "shifttype",
    "rosterpattern",
    "rosterentry",
    "swaprequest",
    "leavetype",
    "leaverequest",
    "punch",
    "attendanceday",
    "punchcorrection",
    "handovernote",
    "chatofflineapproval",
    "chatstatusbreach",
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True))
    return client


def test_admin_pages_open(admin_client):
    """STF-01, STF-06: shift types, holidays and every rule number are editable in the admin;
    requests and attendance are visible there."""
    for model in PAGES:
        url = reverse(f"admin:staffing_{model}_changelist")
        assert admin_client.get(url).status_code == 200, model
    policy_url = reverse("admin:staffing_staffingpolicy_change", args=[1])
    assert admin_client.get(policy_url).status_code == 200
    cs_late = reverse("admin:staffing_shifttype_change", args=[shift("cs-late").pk])
    assert "23:30" in admin_client.get(cs_late).content.decode()


def test_supervisor_generates_and_publishes_in_the_admin(admin_client):
    """STF-02: from the pattern page the roster of a period is generated and published."""
    _, (a, b) = team(2)
    pattern = RosterPattern.objects.create(
        name="CS",
        department=Department.objects.get(code="customer-service"),
        start_date=dt.date(2026, 3, 1),
    )
    RosterPatternStep.objects.create(pattern=pattern, order=0, shift_type=shift("cs-early"))
    RosterPatternStep.objects.create(pattern=pattern, order=1, shift_type=shift("cs-late"))
    RosterPatternMember.objects.create(pattern=pattern, employee=a, start_step=0)
    RosterPatternMember.objects.create(pattern=pattern, employee=b, start_step=1)
    url = reverse("admin:staffing_rosterpattern_generate", args=[pattern.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"start": "2026-03-01", "end": "2026-03-10", "publish": "on"})
    assert response.status_code == 302
    assert RosterEntry.objects.filter(status=RosterEntry.Status.PUBLISHED).count() == 20
    bad = admin_client.post(url, {"start": "2026-02-01", "end": "2026-02-03"})
    assert bad.status_code == 200
    assert RosterEntry.objects.count() == 20


def test_periodic_tasks_are_idempotent():
    """STF-06, STF-09: the holiday and expiry jobs can run any number of times."""
    with time_machine.travel(at("2026-03-02", "10:00"), tick=False):
        Holiday.objects.filter(date__year=2027).delete()
        assert holidays_seed_next_year.delay().get() == 13
        assert holidays_seed_next_year.delay().get() == 0
        assert requests_expire.delay().get() == {"swaps": 0, "leaves": 0}


def _swap_waiting_for_supervisor():
    """A swap on 10 March the colleague accepted; the supervisor may use the admin."""
    from django.contrib.auth.models import Group

    from staffing.services.swaps import swap_request_answer, swap_request_create
    from tests.staffing.factories import entry

    supervisor, (a, b) = team(2)
    supervisor.user.groups.add(Group.objects.get(name="supervisor"))
    entry(a, "2026-03-10", "cs-early")
    entry(b, "2026-03-10", "cs-late")
    swap = swap_request_create(
        requester=a, colleague=b, date=dt.date(2026, 3, 10), handover_note="2 open complaints"
    )
    return supervisor, swap_request_answer(swap.pk, colleague=b, accept=True)


@time_machine.travel(at("2026-03-02", "10:00"), tick=False)
def test_swap_approved_in_the_admin_through_the_service_with_a_log_entry(client):
    """STF-09: the direct supervisor approves a swap with the admin's button: the service
    swaps both roster entries and one admin log entry names the action and the reason."""
    from django.conf import settings
    from django.contrib.admin.models import LogEntry

    from staffing.models import RequestState, SwapRequest

    supervisor, swap = _swap_waiting_for_supervisor()
    client.force_login(supervisor.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    change = reverse("admin:staffing_swaprequest_change", args=[swap.pk])
    page = client.get(change).content.decode()
    assert 'data-step="approve"' in page and 'data-step="reject"' in page
    url = reverse("admin:staffing_swaprequest_service_action", args=[swap.pk, "approve"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "ok with me"}).status_code == 302
    assert SwapRequest.objects.get(pk=swap.pk).state == RequestState.APPROVED
    codes = dict(
        RosterEntry.objects.filter(date=dt.date(2026, 3, 10)).values_list(
            "employee_id", "shift_type__code"
        )
    )
    assert codes == {swap.requester_id: "cs-late", swap.colleague_id: "cs-early"}
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id) == (supervisor.user, str(swap.pk))
    assert entry.change_message == "Approve: ok with me"
    assert 'data-step="approve"' not in client.get(change).content.decode()


@time_machine.travel(at("2026-03-02", "10:00"), tick=False)
def test_swap_approve_refused_in_the_admin_changes_nothing(client):
    """STF-09: only the requester's direct supervisor approves. Another supervisor, outside the
    requester's supervisor line, does not even find the request in the admin (404, issue 12:
    private staff records only up the line); the swap, its history, the roster and the admin
    log are unchanged."""
    from django.conf import settings
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group

    from staffing.models import RequestState, SwapRequest
    from tests.staffing.factories import SupervisorFactory

    _, swap = _swap_waiting_for_supervisor()
    other = SupervisorFactory()
    other.user.groups.add(Group.objects.get(name="supervisor"))
    history = swap.history.count()
    roster = list(RosterEntry.objects.values_list("pk", "shift_type_id").order_by("pk"))
    client.force_login(other.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("admin:staffing_swaprequest_service_action", args=[swap.pk, "approve"])
    response = client.post(url, {"reason": "ok"})
    assert response.status_code == 404
    assert (
        client.get(reverse("admin:staffing_swaprequest_changelist")).context["cl"].result_count == 0
    )
    swap = SwapRequest.objects.get(pk=swap.pk)
    assert (swap.state, swap.history.count()) == (RequestState.AWAITING_SUPERVISOR, history)
    assert list(RosterEntry.objects.values_list("pk", "shift_type_id").order_by("pk")) == roster
    assert not LogEntry.objects.exists()


@time_machine.travel(at("2026-03-02", "10:00"), tick=False)
def test_swap_reject_in_the_admin_needs_a_reason(client):
    """STF-09: rejecting asks for the reason (the form is shown again without one); with it the
    swap is rejected and the reason is logged."""
    from django.contrib.admin.models import LogEntry

    from staffing.models import RequestState, SwapRequest

    supervisor, swap = _swap_waiting_for_supervisor()
    client.force_login(supervisor.user)
    url = reverse("admin:staffing_swaprequest_service_action", args=[swap.pk, "reject"])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert SwapRequest.objects.get(pk=swap.pk).state == RequestState.AWAITING_SUPERVISOR
    # Issue 17: a reject cannot be undone, so its page asks for the ticked box as well.
    assert client.post(url, {"reason": "team is short"}).status_code == 200
    assert SwapRequest.objects.get(pk=swap.pk).state == RequestState.AWAITING_SUPERVISOR
    confirmed = {"reason": "team is short", "confirm_irreversible": "on"}
    assert client.post(url, confirmed).status_code == 302
    swap = SwapRequest.objects.get(pk=swap.pk)
    assert (swap.state, swap.decision_reason) == (RequestState.REJECTED, "team is short")
    assert LogEntry.objects.get().change_message.endswith(": team is short")


@time_machine.travel(at("2026-03-21", "10:00"), tick=False)
def test_settlement_computed_from_the_admin_list_and_button(client):
    """SCR-04: the month's sheet is computed from the settlement list (bulk action) and from
    the sheet's button, through the service, each run logged once."""
    from django.contrib.admin.models import LogEntry

    from staffing.models import Settlement
    from staffing.services.settlement import settlement_get

    settlement = settlement_get(
        Department.objects.get(code="customer-service"), dt.date(2026, 3, 1)
    )
    client.force_login(UserFactory(username="root", is_superuser=True))
    response = client.post(
        reverse("admin:staffing_settlement_changelist"),
        {"action": "compute", "_selected_action": [settlement.pk]},
    )
    assert response.status_code == 302
    assert Settlement.objects.get(pk=settlement.pk).state == "settling"
    assert LogEntry.objects.count() == 1
    url = reverse("admin:staffing_settlement_service_action", args=[settlement.pk, "reopen"])
    assert client.post(url, {"reason": "late event"}).status_code == 302
    assert Settlement.objects.get(pk=settlement.pk).state == "open"
    assert LogEntry.objects.count() == 2
