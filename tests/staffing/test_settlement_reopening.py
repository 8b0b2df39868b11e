"""SCR-07, SCR-04, SCR-06 (issue 13 point 21): a settled month is reopened only by a manager with
head office's approval, the reason recorded; the reopening is audited; a stale second approval
(of the reopening or of the settlement) says it was already approved, by whom and when."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from staffing.models import FundEntry, Position, Settlement, SettlementReopening
from staffing.models.scoring import FundKind, ReopeningState, SettlementState
from staffing.services.scoring import MonthFrozen, score_event_record
from staffing.services.settlement import (
    AlreadyApproved,
    fund_balance,
    settlement_approve,
    settlement_get,
    settlement_submit,
)
from staffing.services.settlement_reopening import (
    ReopeningConflict,
    ReopeningRefused,
    reopening_approve,
    reopening_refuse,
    reopening_request,
)
from tests.factories import DepartmentFactory, UserFactory
from tests.staffing.scoring_factories import (
    EmployeeFactory,
    at,
    fast_passwords,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)


@pytest.fixture
def org():
    """March (10 March – 9 April) settled on 9 April at 09:00 by manager M1: E1 has G1 (a 30
    yuan fine) and G5 (−3 points, 30 yuan tier deduction): 60 yuan credited to the fund."""
    dept = DepartmentFactory()
    ops = DepartmentFactory(code="operations", name="运营部")
    people = {
        "M": EmployeeFactory(department=ops, position=Position.MANAGER, number="M1"),
        "M2": EmployeeFactory(department=ops, position=Position.MANAGER, number="M2"),
        "HQ": EmployeeFactory(department=ops, position=Position.HQ, number="H1"),
        "FIN": EmployeeFactory(department=ops, position=Position.FINANCE, number="F1"),
        "S": EmployeeFactory(department=dept, position=Position.SUPERVISOR, number="S1"),
    }
    people["E"] = EmployeeFactory(department=dept, supervisor=people["S"], number="E1")
    with time_machine.travel(at(2026, 4, 9, 9), tick=False):
        for code in ("G1", "G5"):
            score_event_record(
                employee=people["E"], rule_code=code, source=None, occurred_at=at(2026, 3, 20)
            )
        settlement = settlement_submit(settlement_get(dept, MARCH), user=people["S"].user)
        settlement = settlement_approve(settlement, user=people["M"].user)
    assert settlement.state == SettlementState.SETTLED
    assert fund_balance(dept.pk) == Decimal("60")
    return dept, settlement, people


def test_a_manager_asks_hq_approves_and_the_month_is_open_again(org):
    """SCR-07, SCR-06: M1 asks with the reason (requested); HQ approves: the reopening records
    who, when, why, the approval it undid, the sheet as approved and the 60 yuan taken back;
    the month is open (round 2, no lines, no approval) and accepts a late event; approved
    again, the fund holds the new fines only; every step is in the history with its user."""
    dept, settlement, p = org
    with time_machine.travel(at(2026, 4, 12, 10), tick=False):
        reopening = reopening_request(
            settlement, user=p["M"].user, reason="G8 of 28 March was not recorded"
        )
        assert (reopening.state, reopening.requested_by) == (ReopeningState.REQUESTED, p["M"].user)
        assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.SETTLED
        reopening = reopening_approve(reopening, user=p["HQ"].user, note="agreed")
    reopening.refresh_from_db()
    assert (reopening.state, reopening.decided_by, reopening.decision_note) == (
        ReopeningState.APPROVED,
        p["HQ"].user,
        "agreed",
    )
    assert reopening.decided_at == at(2026, 4, 12, 10)
    assert (reopening.undone_approved_by, reopening.undone_approved_at) == (
        p["M"].user,
        at(2026, 4, 9, 9),
    )
    assert reopening.fund_taken_back == Decimal("60")
    assert reopening.sheet_before == [
        ["E1", p["E"].name, 97, "140.00"],
        ["S1", p["S"].name, 100, "300.00"],
    ]
    settlement.refresh_from_db()
    assert (settlement.state, settlement.round, settlement.approved_by) == ("open", 2, None)
    assert (settlement.submitted_by, settlement.lines.count()) == (None, 0)
    assert fund_balance(dept.pk) == Decimal("0")
    taken = FundEntry.objects.get(kind=FundKind.REOPENED)
    assert (taken.amount, taken.employee, taken.round) == (Decimal("-60.00"), p["E"], 1)

    history = list(reopening.history.order_by("history_date"))
    assert [(h.history_type, h.state, h.history_user) for h in history] == [
        ("+", "requested", p["M"].user),
        ("~", "approved", p["HQ"].user),
    ]
    last = settlement.history.first()
    assert (last.state, last.history_user, last.round) == ("open", p["HQ"].user, 2)
    assert last.history_change_reason == (
        "Reopened with HQ's approval: G8 of 28 March was not recorded"
    )

    with time_machine.travel(at(2026, 4, 12, 11), tick=False):
        score_event_record(
            employee=p["E"], rule_code="G9", source=None, occurred_at=at(2026, 3, 28)
        )
        settlement = settlement_submit(settlement, user=p["S"].user)
        settlement = settlement_approve(settlement, user=p["M2"].user)
    assert settlement.lines.get(employee=p["E"]).final_score == 96
    assert fund_balance(dept.pk) == Decimal("70")
    assert FundEntry.objects.filter(settlement=settlement, round=2).count() == 2


def test_only_a_manager_asks_and_with_a_reason(org):
    """SCR-07: the agent, the supervisor and HQ cannot ask (403 kind, the rule's message); a
    manager must say why; an open (not settled) month needs no request."""
    dept, settlement, p = org
    for who in ("E", "S", "HQ", "FIN"):
        with pytest.raises(ReopeningRefused) as refused:
            reopening_request(settlement, user=p[who].user, reason="late event")
        assert refused.value.messages == ["Only a manager can ask to reopen a settled month."]
        assert refused.value.http_status == 403
    with pytest.raises(Exception) as empty:
        reopening_request(settlement, user=p["M"].user, reason="  ")
    assert empty.value.messages == ["Say why the settled month must be reopened."]
    april = settlement_get(dept, date(2026, 4, 1))
    with pytest.raises(ReopeningConflict) as not_settled:
        reopening_request(april, user=p["M"].user, reason="late event")
    assert not_settled.value.messages == [
        "2026-04 is not settled; only a settled month needs HQ's approval to reopen."
    ]
    assert SettlementReopening.objects.count() == 0


@time_machine.travel(at(2026, 4, 12, 10), tick=False)
def test_only_hq_decides_and_never_the_person_who_asked(org):
    """SCR-07: a manager (the one who asked or another), the supervisor and finance cannot
    approve (403); a superuser who asked cannot approve their own request; the month stays
    settled and frozen while the request waits; a second request waits for the first."""
    _dept, settlement, p = org
    reopening = reopening_request(settlement, user=p["M"].user, reason="late event")
    for who in ("M", "M2", "S", "FIN", "E"):
        with pytest.raises(ReopeningRefused) as refused:
            reopening_approve(reopening, user=p[who].user)
        assert refused.value.messages == [
            "Only head office (HQ) can decide on reopening a settled month."
        ]
    with pytest.raises(ReopeningConflict) as twice:
        reopening_request(settlement, user=p["M2"].user, reason="again")
    assert twice.value.messages == [
        f"Reopening 2026-03 was already asked by {p['M'].user.get_username()} at "
        "2026-04-12 10:00; it waits for HQ."
    ]
    with pytest.raises(MonthFrozen):
        score_event_record(
            employee=p["E"], rule_code="G9", source=None, occurred_at=at(2026, 3, 28)
        )
    reopening.refresh_from_db()
    assert reopening.state == ReopeningState.REQUESTED
    assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.SETTLED

    root = UserFactory(username="root", is_superuser=True)
    reopening_refuse(reopening, user=p["HQ"].user, note="no evidence")
    own = reopening_request(settlement, user=root, reason="late event")
    with pytest.raises(ReopeningRefused) as self_approval:
        reopening_approve(own, user=root)
    assert self_approval.value.messages == [
        "The person who asked to reopen the month cannot decide on it."
    ]


def test_a_stale_second_decision_says_it_was_already_decided(org):
    """SCR-07: approving an approved reopening again (a stale page) says by whom and when (409);
    refusing it too; a refused request says it was refused; nothing changes."""
    _dept, settlement, p = org
    hq2 = EmployeeFactory(department=p["HQ"].department, position=Position.HQ, number="H2")
    with time_machine.travel(at(2026, 4, 12, 10), tick=False):
        reopening = reopening_request(settlement, user=p["M"].user, reason="late event")
        reopening_approve(reopening, user=p["HQ"].user)
    with time_machine.travel(at(2026, 4, 12, 11), tick=False):
        for decide in (
            lambda: reopening_approve(reopening, user=hq2.user),
            lambda: reopening_approve(reopening, user=p["HQ"].user),
            lambda: reopening_refuse(reopening, user=hq2.user, note="no"),
        ):
            with pytest.raises(AlreadyApproved) as again:
                decide()
            assert again.value.messages == [
                f"This reopening was already approved by {p['HQ'].user.get_username()} at "
                "2026-04-12 10:00."
            ]
            assert again.value.http_status == 409
    assert reopening.history.count() == 2
    assert Settlement.objects.get(pk=settlement.pk).round == 2


@time_machine.travel(at(2026, 4, 12, 10), tick=False)
def test_a_refused_request_leaves_the_month_settled(org):
    """SCR-07: HQ refuses with a reason (required): the month stays settled, the fund keeps its
    60 yuan; approving it afterwards says it was refused."""
    dept, settlement, p = org
    reopening = reopening_request(settlement, user=p["M"].user, reason="late event")
    with pytest.raises(Exception) as no_reason:
        reopening_refuse(reopening, user=p["HQ"].user, note="")
    assert no_reason.value.messages == ["Say why the reopening is refused."]
    refused = reopening_refuse(reopening, user=p["HQ"].user, note="no evidence")
    assert (refused.state, refused.decided_by, refused.decision_note) == (
        ReopeningState.REFUSED,
        p["HQ"].user,
        "no evidence",
    )
    with pytest.raises(ReopeningConflict) as after:
        reopening_approve(reopening, user=p["HQ"].user)
    assert after.value.messages == [
        f"This reopening was already refused by {p['HQ'].user.get_username()} at 2026-04-12 10:00."
    ]
    assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.SETTLED
    assert fund_balance(dept.pk) == Decimal("60")


def test_a_stale_second_settlement_approval_says_already_approved(org):
    """SCR-07: approving the settled sheet again is a 409 that names who approved it and when,
    in the service and on the settlement screen; nothing is credited twice."""
    dept, settlement, p = org
    with (
        time_machine.travel(at(2026, 4, 9, 10), tick=False),
        pytest.raises(AlreadyApproved) as again,
    ):
        settlement_approve(settlement, user=p["M2"].user)
    expected = (
        f"This month was already approved by {p['M'].user.get_username()} at 2026-04-09 09:00."
    )
    assert again.value.messages == [expected] and again.value.http_status == 409
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(p["M2"].user)
    response = client.post(
        reverse("scoring:settlement-step", args=[settlement.pk, "approve"]), follow=True
    )
    assert expected in [str(m) for m in response.context["messages"]]
    assert fund_balance(dept.pk) == Decimal("60")


@time_machine.travel(at(2026, 4, 12, 10), tick=False)
def test_the_settlement_screen_offers_each_step_to_its_role(client, org):
    """SCR-07: the manager sees the request form on the settled month and asks from it; HQ sees
    the waiting request with approve and refuse and approves from it; the supervisor sees
    neither, and an agent's or supervisor's POST is refused with the message."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    _dept, settlement, p = org
    url = reverse("scoring:settlement", args=[settlement.pk])
    ask = reverse("scoring:reopening-request", args=[settlement.pk])
    client.force_login(p["S"].user)
    body = client.get(url).content.decode()
    assert 'id="reopening-request"' not in body
    response = client.post(ask, {"reason": "late"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Only a manager can ask to reopen a settled month."
    ]
    client.force_login(p["M"].user)
    assert 'id="reopening-request"' in client.get(url).content.decode()
    assert client.post(ask, {"reason": "late event"}).status_code == 302
    reopening = SettlementReopening.objects.get()
    assert (reopening.reason, reopening.requested_by) == ("late event", p["M"].user)
    page = client.get(url)
    assert 'id="reopening-request"' not in page.content.decode()
    assert [r.may_decide for r in page.context["reopenings"]] == [False]
    approve = reverse("scoring:reopening-decide", args=[reopening.pk, "approve"])
    client.post(approve)
    assert SettlementReopening.objects.get().state == ReopeningState.REQUESTED
    client.force_login(p["HQ"].user)
    page = client.get(url)
    assert page.status_code == 200
    assert [r.may_decide for r in page.context["reopenings"]] == [True]
    assert approve in page.content.decode()
    assert client.post(approve, {"note": "ok"}).status_code == 302
    assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.OPEN
    response = client.post(approve, follow=True)
    assert [str(m) for m in response.context["messages"]][-1].startswith(
        "This reopening was already approved by"
    )


@time_machine.travel(at(2026, 4, 12, 10), tick=False)
def test_the_admin_asks_and_approves_through_the_workflow_kit(client, org):
    """SCR-07: in the admin, the manager's settled month offers "Ask HQ to reopen" (reason
    required) and HQ's reopening page offers approve and refuse; each run is logged once."""
    from django.contrib.admin.models import LogEntry

    _dept, settlement, p = org
    p["M"].user.groups.add(Group.objects.get(name="manager"))
    p["HQ"].user.groups.add(Group.objects.get(name="hq"))
    client.force_login(p["M"].user)
    change = reverse("admin:staffing_settlement_change", args=[settlement.pk])
    ask = reverse(
        "admin:staffing_settlement_service_action", args=[settlement.pk, "request_reopening"]
    )
    assert ask in client.get(change).content.decode()
    assert client.post(ask, {"reason": ""}).status_code == 200  # the form asks for the reason
    assert client.post(ask, {"reason": "late event"}).status_code == 302
    reopening = SettlementReopening.objects.get()
    approve = reverse(
        "admin:staffing_settlementreopening_service_action", args=[reopening.pk, "approve"]
    )
    page = reverse("admin:staffing_settlementreopening_change", args=[reopening.pk])
    assert approve not in client.get(page).content.decode()
    assert client.post(approve, {"reason": ""}).status_code == 403
    client.force_login(p["HQ"].user)
    assert approve in client.get(page).content.decode()
    assert client.post(approve, {"reason": "agreed"}).status_code == 302
    assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.OPEN
    assert LogEntry.objects.count() == 2
