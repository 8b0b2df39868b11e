import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from courier.core.models import Notification
from staffing.models import (
    CalendarFeed,
    LeaveRequest,
    PunchCorrection,
    RequestState,
    SwapRequest,
)
from staffing.services.swaps import swap_request_answer, swap_request_create
from tests.factories import UserFactory
from tests.staffing.factories import SupervisorFactory, at, entry, leave_type, team

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at("2026-03-02", "10:00"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def people():
    supervisor, (a, b) = team(2)
    return supervisor, a, b


def _ready_swap(a, b, day="2026-03-10"):
    entry(a, day, "cs-early")
    entry(b, day, "cs-late")
    swap = swap_request_create(
        requester=a, colleague=b, date=dt.date.fromisoformat(day), handover_note="queue empty"
    )
    return swap_request_answer(swap.pk, colleague=b, accept=True)


def test_login_required_and_profile_required(client):
    """ORG-03: the pages need a personal login with an employee profile."""
    response = client.get(reverse("staffing:roster"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(UserFactory(username="no-profile"))
    assert client.get(reverse("staffing:roster")).status_code == 403


def test_roster_page_shows_my_published_shifts(client, people):
    """STF-02, STF-01: an employee sees their published roster with its split sessions."""
    _, a, b = people
    entry(a, "2026-03-03", "cs-late")
    entry(b, "2026-03-03", "cs-early")
    client.force_login(a.user)
    response = client.get(reverse("staffing:roster"), **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "13:00–17:30 + 18:30–23:30" in body
    assert "09:00–11:30" not in body  # b's shift is not on a's page
    assert response.context["duty"][0].shift_type.code == "cs-late"


def test_swap_refusal_is_explained_in_the_users_language(client, people):
    """STF-04, STF-03: a refused swap request names the rule and why, in Chinese by default and
    in English when chosen; nothing is saved."""
    _, a, b = people
    entry(a, "2026-03-10", "cs-early")
    entry(b, "2026-03-10", "cs-late")
    client.force_login(a.user)
    data = {"date": "2026-03-10", "colleague": b.pk, "handover_note": "", "reason": "doctor"}
    response = client.post(reverse("staffing:swap_new"), data, **ZH)
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert texts == ["工作交接: 换班双方必须交接清楚工作：请填写交接说明。"]
    response = client.post(reverse("staffing:swap_new"), data, **EN)
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [
        "Handover note: Both sides must hand over their work: write the handover note."
    ]
    assert SwapRequest.objects.count() == 0
    data["handover_note"] = "2 open tickets"
    response = client.post(reverse("staffing:swap_new"), data, **EN)
    assert response.status_code == 302
    assert SwapRequest.objects.get().state == RequestState.AWAITING_COLLEAGUE


def test_colleague_answers_on_the_page(client, people):
    """STF-03: the colleague sees the request and agrees in one click."""
    _, a, b = people
    entry(a, "2026-03-10", "cs-early")
    entry(b, "2026-03-10", "cs-late")
    swap = swap_request_create(
        requester=a, colleague=b, date=dt.date(2026, 3, 10), handover_note="x"
    )
    client.force_login(b.user)
    assert client.get(reverse("staffing:roster")).context["waiting"]["swaps"] == [swap]
    response = client.post(reverse("staffing:swap_answer", args=[swap.pk]), {"accept": "yes"})
    assert response.status_code == 302
    swap.refresh_from_db()
    assert swap.state == RequestState.AWAITING_SUPERVISOR


def test_supervisor_page_lists_own_reports_with_rules_and_duty(
    client, people, django_assert_max_num_queries
):
    """STF-09: the approval page lists the pending requests of the supervisor's own reports, with
    each rule's result and who is on duty on the affected days; others' reports are not shown."""
    supervisor, a, b = people
    swap = _ready_swap(a, b)
    other_sup, (x, y) = team(2)
    _ready_swap(x, y, "2026-03-12")
    client.force_login(supervisor.user)
    with django_assert_max_num_queries(60):
        response = client.get(reverse("staffing:approvals"), **EN)
    assert response.status_code == 200
    items = response.context["swaps"]
    assert [i["obj"] for i in items] == [swap]
    assert all(r.passed for r in items[0]["rules"])
    assert [e.employee for e in items[0]["duty"][0][1]] == [a, b]
    body = response.content.decode()
    assert "Requested in advance" in body and "Handover note" in body
    assert f"{a.name} (" in body


def test_one_click_approval_and_notification(client, people):
    """STF-09: the direct supervisor approves in one click with a reason; both are notified and
    the roster changes."""
    supervisor, a, b = people
    swap = _ready_swap(a, b)
    client.force_login(supervisor.user)
    response = client.post(
        reverse("staffing:decide", args=["swap", swap.pk]),
        {"decision": "approve", "reason": "covered"},
        **EN,
    )
    assert response.status_code == 302
    swap.refresh_from_db()
    assert (swap.state, swap.decision_reason) == (RequestState.APPROVED, "covered")
    assert Notification.objects.filter(dedupe_key=f"swap:{swap.pk}:decided").count() == 2
    assert a.roster.get(date=dt.date(2026, 3, 10)).shift_type.code == "cs-late"


def test_other_supervisor_cannot_approve_on_the_page(client, people):
    """STF-09: a supervisor who is not the requester's direct supervisor is refused, with the
    rule named in the chosen language."""
    _, a, b = people
    swap = _ready_swap(a, b)
    client.force_login(SupervisorFactory().user)
    response = client.post(
        reverse("staffing:decide", args=["swap", swap.pk]),
        {"decision": "approve", "reason": ""},
        follow=True,
        **ZH,
    )
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert texts == ["直属主管审批: 只有申请人的直属主管才能审批此换班。"]
    swap.refresh_from_db()
    assert swap.state == RequestState.AWAITING_SUPERVISOR
    assert client.post(reverse("staffing:decide", args=["nope", 1]), {}).status_code == 302
    assert (
        client.post(
            reverse("staffing:decide", args=["leave", 999]), {"decision": "approve"}
        ).status_code
        == 404
    )


def test_leave_page_refuses_late_shift_in_english(client, people):
    """STF-08, LEV-01: leave on a late shift is refused on the page with the rule's reason."""
    supervisor, a, _ = people
    late = entry(a, "2026-03-10", "cs-late")
    client.force_login(a.user)
    response = client.post(
        reverse("staffing:leave_new"),
        {
            "entry": late.pk,
            "leave_type": leave_type("emergency").pk,
            "addressed_to": supervisor.pk,
            "reason": "x",
        },
        **EN,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Late/night shift: No leave on a late/night shift: arrange a swap, or in a special case a "
        "colleague who covers it."
    ]
    assert LeaveRequest.objects.count() == 0


def test_leave_and_correction_through_the_pages(client, people):
    """LEV-03, ATT-02: an employee requests leave and files a punch correction; the supervisor
    approves both on the approval page."""
    supervisor, a, _ = people
    shift = entry(a, "2026-03-10", "cs-early")
    client.force_login(a.user)
    response = client.post(
        reverse("staffing:leave_new"),
        {
            "entry": shift.pk,
            "leave_type": leave_type("emergency").pk,
            "addressed_to": supervisor.pk,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("staffing:correction_new"),
        {"date": "2026-03-01", "time": "18:30", "direction": "out", "reason": "card reader"},
    )
    assert response.status_code == 302
    leave, correction = LeaveRequest.objects.get(), PunchCorrection.objects.get()
    client.force_login(supervisor.user)
    page = client.get(reverse("staffing:approvals"))
    assert [i["obj"] for i in page.context["leaves"]] == [leave]
    assert [i["obj"] for i in page.context["corrections"]] == [correction]
    for kind, pk in (("leave", leave.pk), ("correction", correction.pk)):
        client.post(reverse("staffing:decide", args=[kind, pk]), {"decision": "approve"})
    leave.refresh_from_db()
    correction.refresh_from_db()
    assert (leave.state, correction.state) == ("approved", "approved")


def test_icalendar_feed_is_token_protected(client, people):
    """STF-02: each employee's roster as an iCalendar feed, one event per session, reachable only
    with the secret token."""
    _, a, _ = people
    entry(a, "2026-03-03", "cs-early")
    feed = CalendarFeed.objects.create(employee=a)
    response = client.get(reverse("staffing:calendar", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 2
    assert "DTSTART;TZID=Asia/Shanghai:20260303T090000" in body
    assert "DTEND;TZID=Asia/Shanghai:20260303T183000" in body
    assert client.get(reverse("staffing:calendar", args=["wrong"])).status_code == 404


def test_handover_through_the_pages(client, people, clock):
    """STF-04: the outgoing shift writes its open work on the page; the next shift sees it and
    acknowledges it in one click."""
    from staffing.models import HandoverNote

    _, a, b = people
    clock.move_to(at("2026-03-03", "12:00"))
    early = entry(a, "2026-03-03", "cs-early")
    entry(b, "2026-03-03", "cs-late")
    client.force_login(a.user)
    response = client.post(
        reverse("staffing:handover_new"), {"entry": early.pk, "body": "refund for order 88"}
    )
    assert response.status_code == 302
    note = HandoverNote.objects.get()
    client.force_login(b.user)
    assert list(client.get(reverse("staffing:roster")).context["handovers"]) == [note]
    response = client.post(reverse("staffing:handover_ack", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.acknowledged_by == b


def test_clock_in_and_out_from_the_web(client, people):
    """ATT-01: punches are recorded with their direction, time and source."""
    from staffing.models import Punch

    _, a, _ = people
    client.force_login(a.user)
    assert client.post(reverse("staffing:punch"), {"direction": "in"}).status_code == 302
    client.post(reverse("staffing:punch"), {"direction": "sideways"})
    punch = Punch.objects.get()
    assert (punch.employee, punch.direction, punch.source) == (a, "in", "web")
    assert punch.at == at("2026-03-02", "10:00")


def test_supervisor_records_chat_breach_on_the_page(client, people):
    """ATT-03: the supervisor approves offline time and records a breach of a report on the
    staff pages; an agent cannot open them."""
    from staffing.models import ChatOfflineApproval, ScoreEvent

    supervisor, a, _ = people
    entry(a, "2026-03-02", "cs-early")
    client.force_login(a.user)
    assert client.get(reverse("staffing:chat_breach")).status_code == 403
    client.force_login(supervisor.user)
    assert client.get(reverse("staffing:chat_breach")).status_code == 200
    response = client.post(
        reverse("staffing:chat_offline"),
        {
            "employee": a.pk,
            "starts_at": "2026-03-02T14:00",
            "ends_at": "2026-03-02T14:30",
            "reason": "training",
        },
    )
    assert response.status_code == 302
    assert ChatOfflineApproval.objects.get().ends_at == at("2026-03-02", "14:30")
    response = client.post(
        reverse("staffing:chat_breach"),
        {"employee": a.pk, "kind": "offline", "observed_at": "2026-03-02T09:30", "note": ""},
    )
    assert response.status_code == 302
    assert ScoreEvent.objects.get().rule.code == "G3"
