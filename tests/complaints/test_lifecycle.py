import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import (
    Category,
    Complaint,
    Kind,
    Severity,
    SlaMilestone,
    SlaPause,
    SlaPolicy,
    State,
)
from complaints.services import (
    ComplaintError,
    TransitionConflict,
    complaint_accept,
    complaint_cancel,
    complaint_feedback_record,
    complaint_findings_record,
    complaint_investigate,
    complaint_reopen,
    complaint_severity_change,
    complaint_solution_propose,
    complaint_solution_send,
)
from tests.complaints.factories import complaint_new
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)


def _to_awaiting(c, user):
    complaint_accept(c, user=user)
    complaint_investigate(c, user=user)
    complaint_findings_record(
        c, user=user, findings="站点漏派", department=user.employee.department
    )
    complaint_solution_propose(c, user=user, solution="今日补派并补偿运费")
    return complaint_solution_send(c, user=user)


def test_intake_records_content_time_contact_and_deadlines(org):
    """CMP-01, CMP-02, CMP-03: intake records content, time and contact, category and severity;
    a major complaint must be answered by +30 min and solved by +4 h."""
    with time_machine.travel(T0, tick=False):
        c = complaint_new(
            org.agent.user,
            severity=Severity.MAJOR,
            category=Category.CARGO_DAMAGE,
            customer_email="wang@example.com",
        )
    c.refresh_from_db()
    assert (c.state, c.category, c.severity, c.received_at) == (
        State.RECEIVED,
        "cargo_damage",
        "major",
        T0,
    )
    assert (c.customer_name, c.customer_phone) == ("王先生", "13800000000")
    assert c.respond_by == T0 + dt.timedelta(minutes=30)
    assert c.resolve_by == T0 + dt.timedelta(minutes=240)
    assert c.next_check_at == T0 + dt.timedelta(minutes=24)
    assert c.history.first().history_user == org.agent.user


def test_intake_without_contact_is_refused(org):
    """CMP-01: the customer's contact is required; nothing is saved without it."""
    with pytest.raises(ComplaintError, match="phone or email"):
        complaint_new(org.agent.user, customer_phone="", customer_email="")
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "severity", "respond", "resolve"),
    [
        (Kind.COMPLAINT, Severity.ORDINARY, None, T0 + dt.timedelta(hours=12)),
        (Kind.PROBLEM, Severity.ORDINARY, T0 + dt.timedelta(minutes=5), None),
        (Kind.BUSINESS_COMPLAINT, Severity.ORDINARY, dt.datetime(2026, 3, 3, tzinfo=SH), None),
    ],
)
def test_seeded_policies_give_deadlines(org, kind, severity, respond, resolve):
    """CMP-04, CMP-05: ordinary solution in 12 h; a courier's/business company's problem answered
    in 5 min; their complaint answered the same day (seeded policy rows)."""
    assert SlaPolicy.objects.count() == 6
    with time_machine.travel(T0, tick=False):
        c = complaint_new(org.agent.user, kind=kind, severity=severity)
    assert (c.respond_by, c.resolve_by) == (respond, resolve)


def test_policy_row_edit_changes_deadlines(org):
    """CMP-04: the 720 minutes are data: an edited row gives new deadlines."""
    SlaPolicy.objects.filter(kind="complaint", severity="ordinary").update(resolution_minutes=600)
    with time_machine.travel(T0, tick=False):
        c = complaint_new(org.agent.user)
    assert c.resolve_by == T0 + dt.timedelta(hours=10)


def test_severity_change_recomputes_from_the_same_start(org):
    """CMP-02, CMP-03: an ordinary complaint upgraded to major 10 minutes in is due at +30/+240
    from intake."""
    with time_machine.travel(T0, tick=False):
        c = complaint_new(org.agent.user)
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        c = complaint_severity_change(c, user=org.agent.user, severity="major", reason="客户升级")
    assert c.respond_by == T0 + dt.timedelta(minutes=30)
    assert c.resolve_by == T0 + dt.timedelta(minutes=240)
    assert c.history.first().history_change_reason == "severity → major: 客户升级"


def test_full_path_to_closed_records_milestones_and_pause(org):
    """CMP-03, CMP-06, CMP-07: accepted in 20 min (met), findings with the responsible department,
    solution sent in 3 h, the customer takes 2 h to accept (paused), closed; minutes recorded."""
    user = org.agent.user
    with time_machine.travel(T0, tick=False):
        c = complaint_new(user, severity=Severity.MAJOR)
    with time_machine.travel(T0 + dt.timedelta(minutes=20), tick=False):
        complaint_accept(c, user=user)
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        complaint_investigate(c, user=user)
        complaint_findings_record(c, user=user, findings="站点漏派", employee=org.senior)
        complaint_solution_propose(c, user=user, solution="今日补派")
        c = complaint_solution_send(c, user=user)
    assert (c.state, c.paused_since, c.next_check_at) == (
        State.AWAITING_FEEDBACK,
        c.paused_since,
        None,
    )
    assert c.responsible_department == org.senior.department
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        c = complaint_feedback_record(c, user=user, accepted=True, comment="满意")
    assert (c.state, c.closed_at, c.paused_seconds) == (
        State.CLOSED,
        T0 + dt.timedelta(hours=5),
        7200,
    )
    pause = SlaPause.objects.get(complaint=c)
    assert (pause.started_at, pause.ended_at) == (
        T0 + dt.timedelta(hours=3),
        T0 + dt.timedelta(hours=5),
    )
    rows = {m.milestone: (m.minutes_taken, m.met) for m in SlaMilestone.objects.filter(complaint=c)}
    assert rows == {"response": (20, True), "resolution": (180, True)}
    assert c.history.filter(history_change_reason="customer accepted the solution").count() == 1


def test_late_response_is_recorded_as_breached(org):
    """CMP-03: a response after 30 minutes is recorded as breached with the minutes taken."""
    with time_machine.travel(T0, tick=False):
        c = complaint_new(org.agent.user, severity=Severity.MAJOR)
    with time_machine.travel(T0 + dt.timedelta(minutes=31), tick=False):
        complaint_accept(c, user=org.agent.user)
    m = SlaMilestone.objects.get(complaint=c)
    assert (m.milestone, m.minutes_taken, m.met) == ("response", 31, False)


def test_transition_needs_role_permission(org):
    """ORG-03, CMP-06: someone without the complaint-handling permission cannot accept."""
    c = complaint_new(org.agent.user)
    outsider = UserFactory(username="warehouse-guy")
    with pytest.raises(ComplaintError, match="permission"):
        complaint_accept(c, user=outsider)
    c.refresh_from_db()
    assert c.state == State.RECEIVED


def test_second_identical_step_gets_a_clear_message(org):
    """CMP-03: two people accepting the same complaint: the second is told it already moved."""
    c = complaint_new(org.agent.user)
    complaint_accept(c, user=org.agent.user)
    with pytest.raises(TransitionConflict, match=f"Complaint #{c.pk} is"):
        complaint_accept(c, user=org.supervisor.user)
    with pytest.raises(TransitionConflict, match="changed by someone else"):
        complaint_investigate(c, user=org.agent.user, expected_state=State.RECEIVED)


def test_state_field_is_protected(org):
    """CMP-03: the state cannot be assigned directly, only through transitions (protected)."""
    c = complaint_new(org.agent.user)
    with pytest.raises(AttributeError):
        c.state = State.CLOSED


def test_cancel_needs_supervisor_and_a_reason(org):
    """CMP-01: cancelled as duplicate or withdrawn, with a reason, by a supervisor."""
    c = complaint_new(org.agent.user)
    with pytest.raises(ComplaintError, match="permission"):
        complaint_cancel(c, user=org.agent.user, cancel_reason="duplicate", note="同#1")
    with pytest.raises(ComplaintError, match="reason"):
        complaint_cancel(c, user=org.supervisor.user, cancel_reason="duplicate", note=" ")
    c = complaint_cancel(c, user=org.supervisor.user, cancel_reason="duplicate", note="同#1")
    assert (c.state, c.cancel_reason, c.next_check_at) == (State.CANCELLED, "duplicate", None)
    assert c.history.first().history_change_reason.startswith("cancelled (duplicate)")


def test_reopen_within_days_only(org):
    """CMP-07: a closed complaint reopens within the set number of days (7), not after."""
    user = org.agent.user
    with time_machine.travel(T0, tick=False):
        c = complaint_new(user)
        c = _to_awaiting(c, user)
        c = complaint_feedback_record(c, user=user, accepted=True)
    late = time_machine.travel(T0 + dt.timedelta(days=8), tick=False)
    with late, pytest.raises(ComplaintError, match="within 7 days"):
        complaint_reopen(c, user=org.supervisor.user, reason="客户再次投诉")
    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):
        c = complaint_reopen(c, user=org.supervisor.user, reason="客户再次投诉")
    assert (c.state, c.reopen_count, c.closed_at) == (State.INVESTIGATING, 1, None)
    assert c.resolve_by == T0 + dt.timedelta(days=6, hours=12)


def test_rejected_solution_reopens_and_escalates(org):
    """CMP-07, CMP-04: the customer rejects → back to investigation, escalated to the agent's
    supervisor, who gets 4 h of their own (a major clock from the rejection); the promised
    solution stays 12 h from receipt plus the hour the customer took to answer."""
    user = org.agent.user
    with time_machine.travel(T0, tick=False):
        c = complaint_new(user, assigned_agent=org.agent)
        c = _to_awaiting(c, user)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        c = complaint_feedback_record(c, user=user, accepted=False, comment="补偿太少")
    assert (c.state, c.escalation_level, c.escalated_to) == (State.INVESTIGATING, 1, org.supervisor)
    assert (c.resolve_by, c.holder_resolve_by) == (
        T0 + dt.timedelta(hours=13),
        T0 + dt.timedelta(hours=5),
    )
    assert c.escalations.get().trigger == "feedback_rejected"
    assert org.supervisor.user.notifications.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_exactly_one_wins():
    """CMP-03: six people press "accept" on one complaint at the same moment: the row lock lets
    exactly one through; the others get a clear TransitionConflict and nothing is recorded twice."""
    import threading

    from django.db import connection
    from django.utils import translation

    from tests.complaints.factories import org_build

    org = org_build()
    c = complaint_new(org.agent.user)
    users = [org.agent.user, org.supervisor.user, org.manager.user, org.hq.user, org.senior.user]
    users.append(org.agent.user)
    barrier = threading.Barrier(len(users))
    won, lost, other = [], [], []

    def press(user):
        try:
            barrier.wait()
            with translation.override("en"):
                complaint_accept(c.pk, user=user, expected_state=State.RECEIVED)
            won.append(user)
        except TransitionConflict as exc:
            lost.append(" ".join(exc.messages))
        except Exception as exc:  # pragma: no cover - reported below
            other.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other == []
    assert (len(won), len(lost)) == (1, 5)
    assert all("changed by someone else" in message for message in lost)
    assert SlaMilestone.objects.filter(complaint=c, milestone="response").count() == 1
    assert Complaint.history.filter(id=c.pk, state=State.ACCEPTED).count() == 1
