"""ATT-02, STF-08, STF-10, ORG-04: the people rules of issue 13 (points 15, 16, 20) as a person
meets them."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from staffing.models import (
    AttendanceDay,
    CorrectionState,
    LeaveRequest,
    Punch,
    PunchCorrection,
    RequestState,
    ScoreEvent,
    SwapRequest,
)
from staffing.services.attendance import (
    attendance_compute_date,
    attendance_finalize_due,
    punch_correction_approve,
    punch_correction_file,
    punch_correction_reject,
)
from staffing.services.errors import RulesRefused
from staffing.services.leave import (
    leave_request_answer,
    leave_request_approve,
    leave_request_create,
)
from staffing.services.roster import roster_entry_edit
from tests.staffing.factories import at, entry, leave_type, shift, team

pytestmark = pytest.mark.django_db


def _file(a, hhmm, day, direction="in"):
    return punch_correction_file(employee=a, direction=direction, at=at(day, hhmm), reason="forgot")


def test_rejected_applications_count_towards_the_monthly_cap():
    """ATT-02: "签卡申请每月不得超过3次" counts applications, not approvals: after two rejected
    applications and one approved, a 4th application that month is refused with the rule's
    message, and none is created."""
    supervisor, (a,) = team(1)
    with time_machine.travel(at("2026-03-20", "19:00"), tick=False):
        first = _file(a, "12:30", "2026-03-19")
        second = _file(a, "09:00", "2026-03-20")
        punch_correction_reject(first.pk, user=supervisor.user, reason="no reason given")
        punch_correction_reject(second.pk, user=supervisor.user, reason="no reason given")
        third = _file(a, "12:30", "2026-03-20")
        assert punch_correction_approve(third.pk, user=supervisor.user).state == "approved"
        with pytest.raises(RulesRefused) as refused:
            _file(a, "18:30", "2026-03-20", direction="out")
    failed = [r for r in refused.value.results if not r.passed]
    assert [(r.code, r.message_en, r.message_zh) for r in failed] == [
        (
            "monthly_limit",
            "At most 3 punch correction applications may be filed per month.",
            "签卡申请每月不得超过 3 次。",
        )
    ]
    states = sorted(PunchCorrection.objects.filter(employee=a).values_list("state", flat=True))
    assert states == [CorrectionState.APPROVED, CorrectionState.REJECTED, CorrectionState.REJECTED]


def test_application_number_is_shown_when_filed():
    """ATT-02: the 2nd application of the month reads "Correction application 2 of at most 3"."""
    _supervisor, (a,) = team(1)
    with time_machine.travel(at("2026-03-20", "19:00"), tick=False):
        _file(a, "12:30", "2026-03-19")
        second = _file(a, "09:00", "2026-03-20")
    by_code = {r["code"]: r for r in second.rule_results}
    assert by_code["monthly_limit"]["message_en"] == (
        "Correction application 2 of at most 3 this month."
    )
    assert dt.date(2026, 3, 20) == second.date


# --- STF-08, STF-10: the late shift covered by a colleague; the cover must be free ---------------

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _leave(a, e, code, **kw):
    return leave_request_create(requester=a, entry=e, leave_type=leave_type(code), **kw)


def test_late_shift_covered_by_a_free_colleague_is_approved():
    """STF-08: "夜班不允许请假、休息，如有特殊情况，需找人代班": leave on a late shift without a
    cover is refused; with a resting colleague who agrees to cover it passes the late-shift rule
    ("A colleague covers the late/night shift.") and the supervisor approves it."""
    supervisor, (a, b) = team(2)
    late = entry(a, "2026-03-10", "cs-late")
    entry(b, "2026-03-10", "-")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        with pytest.raises(RulesRefused) as refused, translation.override("en"):
            _leave(a, late, "emergency")
        assert [r.code for r in refused.value.results if not r.passed] == ["late_shift"]
        assert refused.value.results[-2].message_zh == (
            "晚班不允许请假、休息，只许换班；如有特殊情况，需找人代班。"
        )
        leave = _leave(a, late, "emergency", cover=b)
        assert leave.state == RequestState.AWAITING_COLLEAGUE
        leave = leave_request_answer(leave.pk, cover=b, accept=True)
        leave = leave_request_approve(leave.pk, user=supervisor.user)
    assert leave.state == RequestState.APPROVED
    results = {r["code"]: r for r in leave.rule_results}
    assert results["late_shift"]["message_en"] == "A colleague covers the late/night shift."
    assert results["cover_free"]["message_en"] == "The covering colleague is free during the shift."


BUSY_EN = (
    "The covering colleague is already rostered for an overlapping session and cannot cover "
    "this shift."
)


def test_cover_rostered_on_an_overlapping_session_is_refused_on_the_request():
    """STF-08 (issue 13 point 20): a colleague rostered on the early shift (13:00–17:30 overlaps
    the late shift) cannot cover it: refused with the rule's message; a colleague on the early
    shift of the day before is free and may."""
    _supervisor, (a, b, c) = team(3)
    late = entry(a, "2026-03-10", "cs-late")
    entry(b, "2026-03-10", "cs-early")
    entry(c, "2026-03-09", "cs-early")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        with pytest.raises(RulesRefused) as refused:
            _leave(a, late, "emergency", cover=b)
        failed = [r for r in refused.value.results if not r.passed]
        assert [(r.code, r.message_en, r.message_zh) for r in failed] == [
            ("cover_free", BUSY_EN, "代班同事在该时段已有排班，不能代班。")
        ]
        assert _leave(a, late, "emergency", cover=c).state == RequestState.AWAITING_COLLEAGUE
    assert LeaveRequest.objects.filter(cover=b).count() == 0


def test_cover_already_covering_another_shift_is_refused():
    """STF-08: a colleague who already covers an overlapping shift of someone else is not free."""
    _supervisor, (a, b, c) = team(3)
    late_a = entry(a, "2026-03-10", "cs-late")
    late_b = entry(b, "2026-03-10", "cs-late")
    entry(c, "2026-03-10", "-")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        _leave(a, late_a, "emergency", cover=c)
        with pytest.raises(RulesRefused) as refused:
            _leave(b, late_b, "emergency", cover=c)
    assert [r.code for r in refused.value.results if not r.passed] == ["cover_free"]


def test_cover_rostered_after_agreeing_is_refused_on_the_approvals_page(client):
    """STF-08, STF-09 (issue 13 point 20): the cover was free when asked and agreed, then was
    rostered on the early shift that day: the approvals page shows the failed rule and the
    one-click approval is refused with its message; the leave stays waiting."""
    supervisor, (a, b) = team(2)
    late = entry(a, "2026-03-10", "cs-late")
    rest = entry(b, "2026-03-10", "-")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        leave = _leave(a, late, "emergency", cover=b)
        leave_request_answer(leave.pk, cover=b, accept=True)
        roster_entry_edit(
            rest.pk, shift_type=shift("cs-early"), user=supervisor.user, reason="short-handed"
        )
        client.force_login(supervisor.user)
        page = client.get(reverse("staffing:approvals"), **EN)
        rules = {r.code: r for r in page.context["leaves"][0]["rules"]}
        assert (rules["cover_free"].passed, rules["cover_free"].message) == (False, BUSY_EN)
        assert BUSY_EN in page.content.decode()
        response = client.post(
            reverse("staffing:decide", args=["leave", leave.pk]),
            {"decision": "approve", "reason": ""},
            follow=True,
            **EN,
        )
    assert [str(m) for m in response.context["messages"]] == [f"Cover is free: {BUSY_EN}"]
    leave.refresh_from_db()
    assert leave.state == RequestState.AWAITING_SUPERVISOR


FULL = [("08:55", "in"), ("11:31", "out"), ("12:29", "in"), ("16:00", "out")]


def _left_early(person, day="2026-03-10"):
    for hhmm, direction in FULL:
        Punch.objects.create(employee=person, at=at(day, hhmm), direction=direction)


def test_leaving_early_is_g2_only_without_an_approved_swap_or_leave():
    """STF-10 (issue 13 point 16): two agents leave at 16:00 instead of 18:30: the one without
    an approved change costs G2 (−50 yuan); the one whose day has an approved swap records none;
    a pending (not approved) swap does not excuse."""
    supervisor, (a, b, c, d) = team(4)
    for person in (a, c):
        entry(person, "2026-03-10", "cs-early")
    entry(b, "2026-03-10", "cs-late")
    entry(d, "2026-03-10", "cs-late")
    for person in (a, c):
        _left_early(person)
    SwapRequest.objects.create(
        requester=a,
        colleague=b,
        date=dt.date(2026, 3, 10),
        state=RequestState.APPROVED,
        requested_at=at("2026-03-05", "10:00"),
        expires_at=at("2026-03-10", "09:00"),
        handover_note="queue empty",
    )
    SwapRequest.objects.create(
        requester=c,
        colleague=d,
        date=dt.date(2026, 3, 10),
        state=RequestState.AWAITING_SUPERVISOR,
        requested_at=at("2026-03-05", "10:00"),
        expires_at=at("2026-03-10", "09:00"),
        handover_note="queue empty",
    )
    attendance_compute_date(dt.date(2026, 3, 10))
    attendance_finalize_due(at("2026-03-12", "23:59"))
    days = {d.employee_id: d.status for d in AttendanceDay.objects.filter(employee__in=[a, c])}
    assert days == {a.pk: "left_early", c.pk: "left_early"}
    events = list(ScoreEvent.objects.values_list("employee_id", "rule__code", "cash"))
    g2 = [e for e in events if e[1] == "G2"]
    assert g2 == [(c.pk, "G2", Decimal("-50.00"))]


# --- ORG-04: the roles outside the CS line -----------------------------------------------------


def test_roles_outside_the_cs_line_exist_with_their_duties():
    """ORG-04 (issue 13 point 13): the information clerk, salesperson, station head and senior CS
    representative are positions and role groups; the clerk issues returns (recall) and reads
    follow-up results, the salesperson only reads (shipments, anomalies, reports), the station
    head answers chasing, the senior representative owns work orders; none reads another
    person's private records."""
    from django.contrib.auth.models import Group

    from courier.shipments.models import Station
    from staffing.models import Position
    from staffing.role_matrix import MODEL_MATRIX, ROLES
    from staffing.roles import ROLE_LABELS

    new = ["info_clerk", "salesperson", "station_head", "senior_agent"]
    assert [p for p in new if p in Position.values] == new
    with translation.override("en"):
        assert [str(ROLE_LABELS[r]) for r in new] == [
            "Information clerk",
            "Salesperson",
            "Station head",
            "Senior CS representative",
        ]

    def cell(label, role):
        return MODEL_MATRIX[label][ROLES.index(role)]

    assert cell("courier.returnrequest", "info_clerk") == "vc"
    assert cell("tracking.followuptask", "info_clerk") == "v"
    assert cell("courier.deliveryexception", "salesperson") == "v"
    assert cell("courier.shipment", "salesperson") == "v"
    assert cell("tracking.chasereply", "station_head") == "va"
    assert cell("complaints.workorder", "senior_agent") == "vAC"
    for role in new:
        for private in ("staffing.scoreevent", "staffing.employee", "staffing.trainingrecord"):
            assert cell(private, role) == "", (role, private)
    held = {
        role: set(
            Group.objects.get(name=role)
            .permissions.filter(codename__in=["recall_shipment", "run_report", "handle_workorder"])
            .values_list("codename", flat=True)
        )
        for role in new
    }
    assert held["info_clerk"] == {"recall_shipment"}
    assert held["salesperson"] == {"run_report"}
    assert "recall_shipment" not in held["station_head"]
    station = Station.objects.create(
        code="SH01",
        name="浦东站",
        province="上海",
        city="上海",
        head_name="王站长",
        head_phone="13800000000",
    )
    assert (station.head_name, station.head_phone) == ("王站长", "13800000000")


# --- ORG-03, ORG-05: the account register --------------------------------------------------------


def test_chat_log_names_the_holder_at_the_time_and_sharing_needs_approval():
    """ORG-05, ORG-03 (issue 13 point 14): the pre-sales 旺旺 account was held by A until 1 March
    and by B from then: a message of 28 February names A, one of 2 March names B. C may use it
    at the same time only with C's supervisor's approval and a reason, refused otherwise with
    the rule's message; then a message of 3 March names B and C."""
    from staffing.models import AccountSystem, SystemAccount
    from staffing.services.accounts import account_holders_at, account_holding_assign

    supervisor, (a, b, c) = team(3)
    account = SystemAccount.objects.create(system=AccountSystem.WANGWANG, handle="鞋店:售前1")
    account_holding_assign(
        account=account,
        employee=a,
        starts_at=at("2026-02-01", "09:00"),
        ends_at=at("2026-03-01", "00:00"),
    )
    account_holding_assign(account=account, employee=b, starts_at=at("2026-03-01", "00:00"))
    assert account_holders_at("wangwang", "鞋店:售前1", at("2026-02-28", "15:00")) == [a]
    assert account_holders_at("wangwang", "鞋店:售前1", at("2026-03-02", "15:00")) == [b]
    assert account_holders_at("edianbao", "鞋店:售前1", at("2026-03-02", "15:00")) == []
    with pytest.raises(RulesRefused) as refused:
        account_holding_assign(account=account, employee=c, starts_at=at("2026-03-03", "09:00"))
    assert [r.message_en for r in refused.value.results if not r.passed] == [
        "Someone else holds this account then: nobody may use another person's account except "
        "with the supervisor's recorded approval and a reason."
    ]
    with pytest.raises(RulesRefused):
        account_holding_assign(
            account=account,
            employee=c,
            starts_at=at("2026-03-03", "09:00"),
            shared_approved_by=supervisor,
            shared_reason="",
        )
    shared = account_holding_assign(
        account=account,
        employee=c,
        starts_at=at("2026-03-03", "09:00"),
        ends_at=at("2026-03-03", "18:00"),
        shared_approved_by=supervisor,
        shared_reason="B's computer is broken",
    )
    assert (shared.shared_approved_by, shared.shared_reason) == (
        supervisor,
        "B's computer is broken",
    )
    assert account_holders_at("wangwang", "鞋店:售前1", at("2026-03-03", "10:00")) == [b, c]


def test_account_holdings_in_the_admin_go_through_the_locked_services(client):
    """ORG-05, ORG-03: the supervisor records a holding in the admin (who recorded it kept, the
    history naming them); correcting one so that it overlaps another holder without approval is
    refused with the rule's message and changes nothing; the service re-checks a correction
    without counting the holding itself."""
    from django.contrib.auth.models import Group

    from staffing.models import AccountHolding, AccountSystem, SystemAccount
    from staffing.services.accounts import account_holding_assign, account_holding_change
    from tests.factories import UserFactory

    supervisor, (a, b) = team(2)
    account = SystemAccount.objects.create(system=AccountSystem.WANGWANG, handle="鞋店:售后1")
    first = account_holding_assign(
        account=account,
        employee=a,
        starts_at=at("2026-02-01", "09:00"),
        ends_at=at("2026-03-01", "00:00"),
    )
    clerk = UserFactory(username="holding-sup", is_staff=True)
    clerk.groups.add(Group.objects.get(name="supervisor"))
    client.force_login(clerk)
    client.cookies["django_language"] = "en"
    form = {
        "account": account.pk,
        "employee": b.pk,
        "starts_at_0": "2026-03-01",
        "starts_at_1": "00:00",
        "shared_reason": "",
    }
    response = client.post("/admin/staffing/accountholding/add/", form)
    assert response.status_code == 302, response.content.decode()[:500]
    second = AccountHolding.objects.get(employee=b)
    assert second.recorded_by == clerk
    assert second.history.get().history_user == clerk
    # Moving A's end past B's start overlaps B: refused, A's holding unchanged.
    response = client.post(
        f"/admin/staffing/accountholding/{first.pk}/change/",
        {
            "account": account.pk,
            "employee": a.pk,
            "starts_at_0": "2026-02-01",
            "starts_at_1": "09:00",
            "ends_at_0": "2026-03-05",
            "ends_at_1": "00:00",
            "shared_reason": "",
        },
    )
    assert response.status_code == 200
    assert "Someone else holds this account then" in response.content.decode()
    first.refresh_from_db()
    assert first.ends_at == at("2026-03-01", "00:00")
    with pytest.raises(RulesRefused):
        account_holding_change(
            first,
            account=account,
            employee=a,
            starts_at=first.starts_at,
            ends_at=at("2026-03-05", "00:00"),
            user=clerk,
        )
    moved = account_holding_change(
        first,
        account=account,
        employee=a,
        starts_at=at("2026-01-15", "09:00"),
        ends_at=first.ends_at,
        user=clerk,
    )
    assert moved.starts_at == at("2026-01-15", "09:00")
    assert moved.history.first().history_user == clerk


# --- ORG-06: training and exams ----------------------------------------------------------------


def test_employee_sees_own_training_on_the_staff_page(client):
    """ORG-06 (issue 13 point 18): pre-job training and the supervisor's business-knowledge exam
    are recorded per person with results; the employee sees their own on /staff/, not a
    colleague's."""
    from staffing.models import TrainingKind, TrainingRecord, TrainingTopic

    supervisor, (a, b) = team(2)
    TrainingRecord.objects.create(
        employee=a,
        kind=TrainingKind.PRE_JOB,
        topic=TrainingTopic.SPEECH,
        held_on=dt.date(2026, 2, 20),
        trainer=supervisor,
        passed=True,
    )
    TrainingRecord.objects.create(
        employee=a,
        kind=TrainingKind.BUSINESS_EXAM,
        topic=TrainingTopic.BUSINESS,
        held_on=dt.date(2026, 3, 1),
        trainer=supervisor,
        score=86,
        passed=True,
    )
    TrainingRecord.objects.create(
        employee=b,
        kind=TrainingKind.BUSINESS_EXAM,
        topic=TrainingTopic.BUSINESS,
        held_on=dt.date(2026, 3, 1),
        score=41,
        passed=False,
    )
    client.force_login(a.user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("staffing:roster"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    mine = list(response.context["my_trainings"])
    assert [(t.kind, t.score) for t in mine] == [("business_exam", 86), ("pre_job", None)]
    body = response.content.decode()
    assert "Business-knowledge exam: Business knowledge" in body
    assert "86 · Passed" in body
    assert "41 · Not passed" not in body
