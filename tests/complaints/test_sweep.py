import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection

from complaints.models import Complaint, ComplaintSettings, Escalation, Severity
from complaints.services import complaint_accept, complaint_escalate, sla_sweep
from complaints.tasks import complaints_sla_sweep
from courier.core.models import Notification
from courier.periodic import PERIODIC_JOBS
from tests.complaints.factories import complaint_new, employee_in_role

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)


def at(minutes, seconds=0):
    return T0 + dt.timedelta(minutes=minutes, seconds=seconds)


def _major(org, **kw):
    with time_machine.travel(T0, tick=False):
        return complaint_new(
            org.agent.user, severity=Severity.MAJOR, assigned_agent=org.agent, **kw
        )


def test_warning_at_80_percent_goes_to_the_assignee_once(org):
    """CMP-03: at 24 of 30 minutes the assigned agent is warned, once, however often it runs."""
    c = _major(org)
    with time_machine.travel(at(23, 59), tick=False):
        assert sla_sweep()["warned"] == 0
    with time_machine.travel(at(24), tick=False):
        assert sla_sweep()["warned"] == 1
        assert sla_sweep()["warned"] == 0
    notes = Notification.objects.filter(recipient=org.agent.user)
    assert [n.dedupe_key for n in notes] == [
        f"complaint:{c.pk}:warn:response:{int(T0.timestamp())}"
    ]
    c.refresh_from_db()
    assert (c.response_warned_at, c.next_check_at) == (at(24), at(30))


def test_deadline_escalates_to_the_named_supervisor_with_ledger_and_email(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    """CMP-03: unanswered at +30 min → escalated to the agent's direct supervisor, who gets an
    admin notice and an email; an audit row and a history row; the supervisor gets deadlines
    of their own (+30 / +240 from the escalation) and the promise to the customer stays, its
    first response recorded as breached."""
    c = _major(org, customer_email="")
    with (
        time_machine.travel(at(30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = sla_sweep()
    assert counts["escalated"] == 1
    c.refresh_from_db()
    assert (c.escalation_level, c.escalated_to, c.escalated_at) == (1, org.supervisor, at(30))
    assert (c.respond_by, c.resolve_by, c.response_breaches) == (at(30), at(240), 1)
    assert (c.holder_respond_by, c.holder_resolve_by, c.response_breached_at) == (
        at(60),
        at(270),
        at(30),
    )
    assert (counts["breached"], counts["hq_missed"]) == (1, 0)
    entry = Escalation.objects.get(complaint=c)
    assert (entry.from_level, entry.to_level, entry.trigger, entry.deadline) == (
        0,
        1,
        "response_breach",
        at(30),
    )
    assert entry.to_employee == org.supervisor
    assert c.history.filter(history_change_reason="escalated to level 1: response_breach").exists()
    notice = Notification.objects.get(recipient=org.supervisor.user)
    assert notice.dedupe_key == f"complaint:{c.pk}:escalated:1"
    assert [m.to for m in mailoutbox] == [[org.supervisor.user.email]]


def test_escalation_climbs_the_ladder_and_stops_at_hq(org):
    """CMP-03, CMP-05: agent → supervisor → manager (platform level) → HQ, each with 30 minutes
    of their own; at HQ its own missed deadline is recorded once and HQ told, nothing escalates
    further; the customer's promise (+30) was counted as breached once, at +30."""
    c = _major(org)
    breached = []
    for minute, level, person in ((30, 1, org.supervisor), (60, 2, org.manager), (90, 3, org.hq)):
        with time_machine.travel(at(minute), tick=False):
            counts = sla_sweep()
            assert counts["escalated"] == 1
            breached.append(counts["breached"])
        c.refresh_from_db()
        assert (c.escalation_level, c.escalated_to) == (level, person)
    assert breached == [1, 0, 0]
    with time_machine.travel(at(120), tick=False):
        counts = sla_sweep()
        assert (counts["escalated"], counts["hq_missed"], counts["breached"]) == (0, 1, 0)
        assert sla_sweep()["hq_missed"] == 0
    c.refresh_from_db()
    assert (c.escalation_level, c.response_breaches, c.response_hq_missed_at) == (3, 4, at(120))
    assert (c.respond_by, c.response_breached_at) == (at(30), at(30))
    assert list(c.escalations.values_list("to_level", flat=True)) == [1, 2, 3]
    assert (
        Notification.objects.filter(
            recipient=org.hq.user, dedupe_key__startswith=f"complaint:{c.pk}:hq-missed:response"
        ).count()
        == 1
    )


def test_no_named_supervisor_falls_back_to_the_group(org):
    """CMP-03: with no direct supervisor on file, every active member of the supervisor group
    is notified instead, and the ledger names the group."""
    loner = employee_in_role("agent", username="loner")
    other_sup = employee_in_role("supervisor", username="sup-2")
    with time_machine.travel(T0, tick=False):
        c = complaint_new(loner.user, severity=Severity.MAJOR, assigned_agent=loner)
    with time_machine.travel(at(30), tick=False):
        sla_sweep()
    c.refresh_from_db()
    assert (c.escalation_level, c.escalated_to) == (1, None)
    assert Escalation.objects.get(complaint=c).to_groups == "supervisor"
    notified = set(
        Notification.objects.filter(dedupe_key=f"complaint:{c.pk}:escalated:1").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"cs-supervisor", other_sup.user.username}
    assert (
        set(Group.objects.get(name="supervisor").user_set.values_list("username", flat=True))
        == notified
    )


def test_sweep_after_ten_minutes_downtime_escalates_each_overdue_once(org):
    """CMP-03, CMP-04: beat and workers were down 10 minutes; the first sweep after escalates
    every complaint that fell due meanwhile exactly once, a second sweep nothing."""
    due = []
    for i in range(5):
        with time_machine.travel(at(i), tick=False):
            due.append(
                complaint_new(org.agent.user, severity=Severity.MAJOR, assigned_agent=org.agent)
            )
    with time_machine.travel(at(11), tick=False):
        later = complaint_new(org.agent.user, severity=Severity.MAJOR)
    # Last sweep before the outage at 29:59; next one at 40:00 (deadlines at 30..34 passed).
    with time_machine.travel(at(29, 59), tick=False):
        sla_sweep()
    with time_machine.travel(at(40), tick=False):
        assert sla_sweep()["escalated"] == 5
        assert sla_sweep()["escalated"] == 0
    assert Escalation.objects.filter(complaint__in=due).count() == 5
    assert not Escalation.objects.filter(complaint=later).exists()


def test_answered_complaint_is_not_escalated_and_idle_sweep_is_cheap(
    org, django_assert_max_num_queries
):
    """CMP-03: a complaint answered in time does not escalate at +30; a sweep with nothing due
    costs a constant handful of queries."""
    c = _major(org)
    with time_machine.travel(at(10), tick=False):
        complaint_accept(c, user=org.agent.user)
    with time_machine.travel(at(31), tick=False), django_assert_max_num_queries(7):
        counts = sla_sweep()
    assert counts["escalated"] == 0
    assert not Escalation.objects.exists()


def test_manual_escalation_and_batching(org):
    """CMP-05: a serious problem that cannot be solved is escalated by hand, with a reason,
    straight to the platform level (the agent's supervisor's supervisor); the sweep works
    through many due rows in batches of the configured size."""
    c = complaint_new(org.agent.user, kind="problem", assigned_agent=org.agent)
    c = complaint_escalate(c, user=org.agent.user, reason="站点无法解决", to_level=2)
    assert (c.escalation_level, c.escalated_to, c.escalations.get().trigger) == (
        2,
        org.manager,
        "manual",
    )
    assert org.manager.user.notifications.filter(
        dedupe_key=f"complaint:{c.pk}:escalated:2"
    ).exists()
    cfg = ComplaintSettings.load()
    cfg.sweep_batch_size = 2
    cfg.save()
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            complaint_new(org.agent.user, kind="problem")
    with time_machine.travel(at(6), tick=False):
        assert sla_sweep()["escalated"] == 5


def test_sweep_task_is_a_2_second_periodic_job(org):
    """CMP-03: the sweep is a beat job every 2 s (editable in the admin: django-celery-beat's
    schedule) calling the task; a run a busy worker did not start within 10 s is dropped."""
    job = next(j for j in PERIODIC_JOBS if j.name == "complaints-sla-sweep")
    assert (job.task, job.every_seconds, job.expire_seconds) == (
        "complaints.tasks.complaints_sla_sweep",
        2,
        10,
    )
    _major(org)
    with time_machine.travel(at(30), tick=False):
        assert complaints_sla_sweep.delay().get()["escalated"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_escalate_each_due_complaint_exactly_once():
    """CMP-03: four sweeps running at once (SKIP LOCKED) escalate each of 40 due complaints
    exactly once."""
    from tests.complaints.factories import org_build

    org = org_build()
    with time_machine.travel(T0, tick=False):
        for _ in range(40):
            complaint_new(org.agent.user, severity=Severity.MAJOR, assigned_agent=org.agent)
    cfg = ComplaintSettings.load()
    cfg.sweep_batch_size = 5
    cfg.save()
    results, errors = [], []
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait()
            results.append(sla_sweep(at=at(31))["escalated"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(results) == 40
    assert Escalation.objects.count() == 40
    assert set(Complaint.objects.values_list("escalation_level", flat=True)) == {1}
