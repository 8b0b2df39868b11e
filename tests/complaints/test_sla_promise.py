"""The promise to the customer stays fixed and measured; same-day answers (issue 13 points 12
and 19)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from complaints.models import ComplaintSettings, Kind, Severity, SlaMilestone
from complaints.selectors import complaint_deadlines
from complaints.services import complaint_accept, complaint_escalate, sla_sweep
from courier.core.models import Notification
from tests.complaints.factories import complaint_new

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 1)


def t(hour, minute=0):
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=SH)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sla_sweep()


def test_received_at_13_unanswered_at_1650_shows_its_promise_as_breached(org):
    """CMP-03: a major complaint received at 13:00 and unanswered at 16:50 still shows
    "respond by 13:30, solve by 17:00" (escalation never moves them), is shown as breached on
    the supervisor's board, and the sweep counted the breach when it happened: the response at
    13:30, the solution at 17:00. Each escalation gives the new holder 30 min of their own."""
    with time_machine.travel(t(13), tick=False):
        c = complaint_new(org.agent.user, severity=Severity.MAJOR, assigned_agent=org.agent)
    counts = {m: sweep_at(t(13, m)) for m in (24, 30)}
    assert (counts[24]["warned"], counts[24]["breached"]) == (1, 0)
    assert (counts[30]["escalated"], counts[30]["breached"]) == (1, 1)
    c.refresh_from_db()
    assert (c.respond_by, c.resolve_by, c.response_breached_at) == (t(13, 30), t(17), t(13, 30))
    assert (c.holder_respond_by, c.holder_resolve_by) == (t(14), t(17, 30))
    for moment, level in ((t(14), 2), (t(14, 30), 3)):
        run = sweep_at(moment)
        assert (run["escalated"], run["breached"]) == (1, 0)
        c.refresh_from_db()
        assert c.escalation_level == level
    hq = sweep_at(t(15))
    assert (hq["escalated"], hq["breached"], hq["hq_missed"]) == (0, 0, 1)
    assert sweep_at(t(16, 50))["checked"] == 0
    c.refresh_from_db()
    assert (c.respond_by, c.resolve_by, c.escalation_level) == (t(13, 30), t(17), 3)
    assert (c.response_breaches, c.response_hq_missed_at, c.next_check_at) == (4, t(15), t(17))
    board = complaint_deadlines([org.agent.pk], t(16, 50), t(17, 50))
    assert [x.pk for x in board["respond_breached"]] == [c.pk]
    assert [x.pk for x in board["resolve_soon"]] == [c.pk]
    at_17 = sweep_at(t(17))
    assert (at_17["breached"], at_17["hq_missed"], at_17["escalated"]) == (1, 0, 0)
    c.refresh_from_db()
    # Next: the warning at 80 % of HQ's own solution window (14:30 + 4 h = 18:30).
    assert (c.resolve_by, c.resolution_breached_at, c.next_check_at) == (t(17), t(17), t(17, 42))
    with time_machine.travel(t(17, 5), tick=False):
        complaint_accept(c, user=org.agent.user)
    m = SlaMilestone.objects.get(complaint=c)
    assert (m.milestone, m.due_at, m.met, m.minutes_taken) == ("response", t(13, 30), False, 245)


def test_holder_missing_an_internal_deadline_escalates_but_the_promise_is_met(org):
    """CMP-04: an ordinary complaint (solution promised within 12 h: 21:00) escalated by hand at
    10:00 gives the supervisor 4 h (14:00); missing it escalates again, counted as escalated,
    not breached; the promise keeps 21:00 and, solved at 16:00, is met."""
    with time_machine.travel(t(9), tick=False):
        c = complaint_new(org.agent.user, assigned_agent=org.agent)
    with time_machine.travel(t(9, 10), tick=False):
        complaint_accept(c, user=org.agent.user)
    with time_machine.travel(t(10), tick=False):
        c = complaint_escalate(c, user=org.agent.user, reason="客户要求主管处理")
    assert (c.resolve_by, c.holder_respond_by, c.holder_resolve_by) == (t(21), None, t(14))
    assert sweep_at(t(13, 12))["warned"] == 1  # 80 % of the supervisor's own 4 h
    at_14 = sweep_at(t(14))
    assert (at_14["escalated"], at_14["breached"]) == (1, 0)
    c.refresh_from_db()
    assert (c.escalation_level, c.escalated_to, c.resolve_by) == (2, org.manager, t(21))
    assert (c.holder_resolve_by, c.resolution_breached_at) == (t(18), None)
    assert [m.met for m in SlaMilestone.objects.filter(complaint=c)] == [True]


def test_promise_passing_before_the_holders_deadline_is_recorded_and_the_holder_told(org):
    """CMP-03: a major complaint escalated by hand at 13:20 gives the supervisor until 13:50 to
    respond; the promise (13:30) passes first: recorded and counted as breached at 13:30, the
    supervisor told once, nothing escalated until 13:50."""
    with time_machine.travel(t(13), tick=False):
        c = complaint_new(org.agent.user, severity=Severity.MAJOR, assigned_agent=org.agent)
    with time_machine.travel(t(13, 20), tick=False):
        complaint_escalate(c, user=org.agent.user, reason="客户情绪激动")
    at_1330 = sweep_at(t(13, 30))
    assert (at_1330["breached"], at_1330["escalated"]) == (1, 0)
    assert sweep_at(t(13, 31))["breached"] == 0
    c.refresh_from_db()
    assert (c.respond_by, c.response_breached_at, c.holder_respond_by) == (
        t(13, 30),
        t(13, 30),
        t(13, 50),
    )
    notice = Notification.objects.get(
        recipient=org.supervisor.user, dedupe_key__startswith=f"complaint:{c.pk}:breach:"
    )
    assert "2026-12-01 13:30" in notice.subject
    assert sweep_at(t(13, 50))["escalated"] == 1


def test_notices_are_written_in_chinese_with_local_times_whoever_triggers_them(org):
    """CMP-03: the warning reads in the staff's language (Simplified Chinese, the UI default)
    with the Asia/Shanghai local time to the minute — no UTC offset, no microseconds — even
    when the sweep runs under English; the escalation notice gives the holder's own deadlines
    and the customer's promise in local time."""
    received = dt.datetime(2026, 12, 1, 8, 19, 56, 793010, tzinfo=dt.UTC)  # 16:19:56 local
    with time_machine.travel(received, tick=False):
        c = complaint_new(org.agent.user, severity=Severity.MAJOR, assigned_agent=org.agent)
    with translation.override("en"):
        sweep_at(received + dt.timedelta(minutes=24))
        sweep_at(received + dt.timedelta(minutes=30))
    warning = Notification.objects.get(recipient=org.agent.user)
    assert warning.subject == f"投诉 #{c.pk}：首次响应截止时间为 2026-12-01 16:49"
    escalated = Notification.objects.get(recipient=org.supervisor.user)
    assert escalated.subject == f"投诉 #{c.pk} 已升级给您（客服主管）"
    assert escalated.body.startswith(
        "首次响应超时。首次响应超时 请于 2026-12-01 17:19 前响应，2026-12-01 20:49 前解决。"
    )
    assert "2026-12-01 16:49" in escalated.body and "2026-12-01 20:19" in escalated.body
    for text in (warning.subject, escalated.body):
        assert "+00:00" not in text and "793010" not in text


@pytest.mark.parametrize(
    ("received", "cutoff", "respond_by"),
    [
        (t(9), None, dt.datetime(2026, 12, 2, tzinfo=SH)),
        (t(23, 30), None, dt.datetime(2026, 12, 2, tzinfo=SH)),
        (t(21, 59), dt.time(22), dt.datetime(2026, 12, 2, tzinfo=SH)),
        (t(22), dt.time(22), dt.datetime(2026, 12, 3, tzinfo=SH)),
    ],
)
def test_business_company_complaint_is_answered_the_same_day(org, received, cutoff, respond_by):
    """CMP-05: a complaint from a business company ("投诉处理需在当天给与业务公司相关人员答复")
    is due by the end of the local day it was received, even at 23:30; an earlier cut-off is
    an ops setting, off by default: set to 22:00, a complaint received at 22:00 is due the next
    day's end."""
    cfg = ComplaintSettings.load()
    assert cfg.same_day_cutoff is None
    cfg.same_day_cutoff = cutoff
    cfg.save()
    with time_machine.travel(received, tick=False):
        c = complaint_new(org.agent.user, kind=Kind.BUSINESS_COMPLAINT, assigned_agent=org.agent)
    assert (c.respond_by, c.resolve_by) == (respond_by, None)
