from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from staffing.models import FundEntry, Position, ScoreAppeal, ScoreEvent, ScoreRule, Settlement
from staffing.models.scoring import SettlementState
from staffing.services.scoring import score_event_record
from staffing.services.settlement import settlement_get, settlement_submit
from tests.factories import DepartmentFactory
from tests.staffing.scoring_factories import (
    EmployeeFactory,
    at,
    fast_passwords,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)


@pytest.fixture
def people():
    dept = DepartmentFactory()
    ops = DepartmentFactory(code="operations", name="运营部")
    boss = EmployeeFactory(department=dept, position=Position.SUPERVISOR, number="S1")
    agent = EmployeeFactory(department=dept, supervisor=boss, number="E1", name="张三")
    other = EmployeeFactory(department=dept, supervisor=boss, number="E2")
    manager = EmployeeFactory(department=ops, position=Position.MANAGER, number="M1")
    with time_machine.travel(at(2026, 3, 20), tick=False):
        score_event_record(employee=agent, rule_code="G5", source=None, occurred_at=at(2026, 3, 15))
        score_event_record(employee=agent, rule_code="G1", source=None, occurred_at=at(2026, 3, 16))
    return {"dept": dept, "S": boss, "E1": agent, "E2": other, "M": manager}


@time_machine.travel(at(2026, 3, 21), tick=False)
def test_my_score_shows_running_score_and_events(client, people):
    """SCR-01: an employee sees their running score, figures and this month's events."""
    client.force_login(people["E1"].user)
    response = client.get(reverse("scoring:mine"), {"month": "2026-03"})
    assert response.status_code == 200
    line = response.context["line"]
    assert (line.final_score, line.deduction, line.attendance_bonus, line.cash_fines) == (
        97,
        Decimal("30"),
        Decimal("0"),
        Decimal("30.00"),
    )
    assert [e.rule.code for e in response.context["events"]] == ["G5", "G1"]
    assert all(e.can_appeal for e in response.context["events"])


@time_machine.travel(at(2026, 3, 21), tick=False)
def test_appeal_from_my_score_page(client, people):
    """SCR-09: the employee files an appeal from their page; someone else's event is refused."""
    event = ScoreEvent.objects.get(employee=people["E1"], rule__code="G5")
    client.force_login(people["E2"].user)
    client.post(reverse("scoring:appeal", args=[event.pk]), {"reason": "not mine"})
    assert ScoreAppeal.objects.count() == 0
    client.force_login(people["E1"].user)
    response = client.post(reverse("scoring:appeal", args=[event.pk]), {"reason": "wrong agent"})
    assert response.status_code == 302
    assert ScoreAppeal.objects.get().reason == "wrong agent"


@time_machine.travel(at(2026, 3, 21), tick=False)
def test_board_for_the_supervisor_only(client, people):
    """SCR-01/SCR-07: the supervisor's board shows each person's running score; an agent may
    not see it."""
    url = reverse("scoring:board")
    client.force_login(people["E1"].user)
    assert client.get(url, {"month": "2026-03"}).status_code == 403
    client.force_login(people["S"].user)
    response = client.get(url, {"month": "2026-03"})
    assert response.status_code == 200
    scores = {line.employee.number: line.final_score for line in response.context["lines"]}
    assert scores == {"S1": 100, "E1": 97, "E2": 100}


@time_machine.travel(at(2026, 4, 9), tick=False)
def test_settlement_screen_steps_and_blockers(client, people):
    """SCR-07: the settlement screen shows what blocks it; the supervisor submits and a manager
    approves through it; the month is then frozen."""
    settlement = settlement_get(people["dept"], MARCH)
    url = reverse("scoring:settlement", args=[settlement.pk])
    client.force_login(people["S"].user)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["blockers"] == []
    client.post(reverse("scoring:settlement-step", args=[settlement.pk, "submit"]))
    client.force_login(people["S"].user)
    response = client.post(reverse("scoring:settlement-step", args=[settlement.pk, "approve"]))
    assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.SETTLING
    client.force_login(people["M"].user)
    client.post(reverse("scoring:settlement-step", args=[settlement.pk, "approve"]))
    assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.SETTLED
    assert FundEntry.objects.filter(settlement=settlement).count() == 2  # E1: deduction, fine
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["blockers"] == ["The month is settled and frozen."]
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.context["blockers"] == ["该月已结算并冻结。"]
    assert (
        client.post(reverse("scoring:settlement-step", args=[settlement.pk, "nope"])).status_code
        == 404
    )


@time_machine.travel(at(2026, 4, 9), tick=False)
def test_excel_export_and_printable_statement(client, people):
    """SCR-04: the payroll Excel has one row per employee with the settled figures; the
    printable statement shows one person's month; another agent cannot read it."""
    settlement = settlement_submit(settlement_get(people["dept"], MARCH), user=people["S"].user)
    client.force_login(people["M"].user)
    response = client.get(reverse("scoring:settlement-export", args=[settlement.pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 13
    by_number = {row[0]: row for row in rows[1:4]}
    assert set(by_number) == {"S1", "E1", "E2"}
    assert by_number["E1"][1:4] == ("张三", 97, 30)
    assert by_number["E1"][11] == 140  # no attendance bonus: 0 + 200 − 30 deduction − 30 fine
    assert by_number["E2"][11] == 300
    statement = reverse("scoring:statement", args=[settlement.pk, people["E1"].pk])
    client.force_login(people["E1"].user)
    response = client.get(statement)
    assert response.status_code == 200
    assert "张三" in response.content.decode()
    client.force_login(people["E2"].user)
    assert client.get(statement).status_code == 403


def test_admin_records_through_the_service_and_never_edits(admin_client, people):
    """SCR-08/SCR-09: a supervisor records by hand in the admin (through the service, with who
    recorded it); recorded events cannot be edited or deleted; the reverse action asks a reason."""
    rule = ScoreRule.objects.get(code="G15")
    response = admin_client.post(
        reverse("admin:staffing_scoreevent_add"),
        {
            "employee": people["E2"].pk,
            "rule": rule.pk,
            "occurred_at_0": "2026-03-10",
            "occurred_at_1": "10:00:00",
            "reason": "refused the task",
            "evidence": "chat log",
        },
    )
    assert response.status_code == 302
    event = ScoreEvent.objects.get(employee=people["E2"])
    assert (event.points, event.recorded_by.username, event.reason) == (
        -5,
        "admin",
        "refused the task",
    )
    change = reverse("admin:staffing_scoreevent_change", args=[event.pk])
    assert admin_client.get(change).status_code == 200
    admin_client.post(change, {"reason": "edited"})
    event.refresh_from_db()
    assert event.reason == "refused the task"
    assert (
        admin_client.get(reverse("admin:staffing_scoreevent_delete", args=[event.pk])).status_code
        == 403
    )
    bad = admin_client.post(
        reverse("admin:staffing_scoreevent_add"),
        {"employee": people["E2"].pk, "rule": rule.pk, "occurred_at_0": "2026-03-10",
         "occurred_at_1": "10:00:00", "points": "-9"},
    )  # fmt: skip
    assert bad.status_code == 302
    assert ScoreEvent.objects.filter(employee=people["E2"]).count() == 1
    changelist = reverse("admin:staffing_scoreevent_changelist")
    ask = admin_client.post(
        changelist, {"action": "reverse_events", "_selected_action": [event.pk]}
    )
    assert ask.status_code == 200 and b'name="reason"' in ask.content
    admin_client.post(
        changelist,
        {
            "action": "reverse_events",
            "_selected_action": [event.pk],
            "reason": "was a misunderstanding",
        },
    )
    assert ScoreEvent.objects.get(reverses=event).reason == "was a misunderstanding"
    for name in (
        "scorerule",
        "scoretier",
        "scoringpolicy",
        "scoreappeal",
        "settlement",
        "fundentry",
    ):
        assert admin_client.get(reverse(f"admin:staffing_{name}_changelist")).status_code == 200


@time_machine.travel(at(2026, 3, 21), tick=False)
def test_admin_appeal_action_and_settlement_page(admin_client, people):
    """SCR-09/SCR-07: an appeal is upheld from the admin (the event is reversed); the settlement
    page shows its lines read-only."""
    from staffing.services.scoring import appeal_file
    from staffing.services.settlement import settlement_compute

    event = ScoreEvent.objects.get(employee=people["E1"], rule__code="G5")
    appeal = appeal_file(event=event, user=people["E1"].user, reason="not me")
    admin_client.post(
        reverse("admin:staffing_scoreappeal_changelist"),
        {"action": "uphold", "_selected_action": [appeal.pk]},
    )
    assert ScoreAppeal.objects.get(pk=appeal.pk).state == "upheld"
    assert ScoreEvent.objects.get(reverses=event).points == 3
    settlement = settlement_compute(settlement_get(people["dept"], MARCH))
    page = admin_client.get(reverse("admin:staffing_settlement_change", args=[settlement.pk]))
    assert page.status_code == 200
    assert "张三" in page.content.decode()


def test_rules_editable_in_admin_with_history(admin_client):
    """SCR-08: a rule's points are edited in the admin with a required reason, and the change is
    kept in its history with who and why."""
    rule = ScoreRule.objects.get(code="G9")
    url = reverse("admin:staffing_scorerule_change", args=[rule.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "category": rule.category,
            "applies_to": "[]",
            "description_zh": rule.description_zh,
            "description_en": rule.description_en,
            "points": "-2",
            "cash_mode": rule.cash_mode,
            "cash_amount": "0",
            "is_active": "on",
            "sort_order": "3",
            "change_reason": "G9 halved by the March review",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.points == -2
    assert [
        (h.points, h.history_user.username, h.history_change_reason) for h in rule.history.all()
    ] == [(-2, "admin", "G9 halved by the March review")]
