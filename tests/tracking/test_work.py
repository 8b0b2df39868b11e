"""TRK-02..05, TRK-10: the sweeps, follow-up calls, arrival confirmation and chasing."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group

from courier.core.models import Notification
from courier.periodic import PERIODIC_JOBS
from staffing.models import Department
from tests.factories import EmployeeFactory, UserFactory
from tests.staffing.factories import entry
from tracking import selectors, services
from tracking.models import FollowUpTask, ShipmentTracking, TrackingPolicy

from .conftest import at

pytestmark = pytest.mark.django_db
MORNING = at("2026-03-02", "09:00")


def tracked(shipment, **fields):
    fields.setdefault("last_event_at", MORNING - dt.timedelta(hours=1))
    return ShipmentTracking.objects.create(
        shipment=shipment, partner_id=shipment.partner_id, **fields
    )


def supervisor():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="supervisor"))
    return user


def test_policy_seeded_with_the_documented_defaults():
    """TRK-02/04/05: 24 h stale, morning calls due 18:00, afternoon ones next day 12:00, 3-day
    chase, 500 events a batch; the sweeps at 09:00 and 16:00 Asia/Shanghai."""
    p = TrackingPolicy.current()
    assert (p.stale_hours, p.chase_days, p.max_batch) == (24, 3, 500)
    assert (p.afternoon_starts, p.same_day_due, p.next_day_due) == (
        dt.time(12),
        dt.time(18),
        dt.time(12),
    )
    assert p.followup_department.code == "customer-service"
    assert p.history.count() == 0 or p.history.first().stale_hours == 24
    sweeps = {j.name: j.crontab for j in PERIODIC_JOBS if j.task == "tracking.tasks.tracking_sweep"}
    assert sweeps == {
        "tracking-sweep-morning": {"minute": "0", "hour": "9"},
        "tracking-sweep-afternoon": {"minute": "0", "hour": "16"},
    }


@time_machine.travel(MORNING, tick=False)
def test_sweep_opens_one_call_per_shipment_and_reason_and_a_rerun_nothing(make_shipment):
    """TRK-02 item 4: stale (24 h exactly), past estimate, failed delivery, arrived but not
    confirmed → calls; a fresh one → nothing; the second run opens nothing new."""
    stale = tracked(make_shipment(), last_event_at=MORNING - dt.timedelta(hours=24))
    fresh = tracked(make_shipment(), last_event_at=MORNING - dt.timedelta(hours=23, minutes=59))
    late = tracked(make_shipment(), estimate_at=MORNING - dt.timedelta(minutes=1))
    failed = tracked(make_shipment(state="delivery_failed"), last_status="delivery_failed")
    arrived = tracked(
        make_shipment(state="delivered"),
        active=False,
        delivered_at=MORNING - dt.timedelta(hours=3),
        arrival_call_due=True,
    )
    result = services.tracking_sweep()
    assert (result.stale, result.past_estimate, result.redelivery, result.arrival) == (1, 1, 1, 1)
    opened = set(FollowUpTask.objects.values_list("shipment_id", "reason"))
    assert opened == {
        (stale.pk, "chase"),
        (late.pk, "chase"),
        (failed.pk, "redelivery"),
        (arrived.pk, "arrival"),
    }
    assert fresh.pk not in {s for s, _r in opened}
    assert set(FollowUpTask.objects.values_list("due_at", flat=True)) == {at("2026-03-02", "18:00")}
    again = services.tracking_sweep()
    assert again.opened == 0
    assert FollowUpTask.objects.count() == 4


@time_machine.travel(MORNING, tick=False)
def test_sweep_tracks_shipments_that_left_without_events(make_shipment):
    """TRK-02: a shipment picked up through the warehouse flow gets a tracking row."""
    s = make_shipment(state="picked_up")
    assert services.tracking_sweep().tracked == 1
    assert ShipmentTracking.objects.get(pk=s.pk).active is True
    assert services.tracking_sweep().tracked == 0


@time_machine.travel(MORNING, tick=False)
def test_sweep_finds_its_work_in_a_fixed_number_of_queries(
    make_shipment, django_assert_num_queries
):
    """Speed: with nothing due the sweep's cost does not depend on how many are tracked."""
    for _ in range(5):
        tracked(make_shipment())
    services.tracking_sweep()
    with django_assert_num_queries(13):
        services.tracking_sweep()
    for _ in range(20):
        tracked(make_shipment())
    with django_assert_num_queries(13):
        services.tracking_sweep()


@time_machine.travel(at("2026-03-02", "10:00"), tick=False)
def test_calls_go_round_robin_to_agents_on_shift():
    """TRK-04: round robin among the agents whose published shift covers now; the late shift
    (from 13:00) and a supervisor are not on the phones now."""
    dept = Department.objects.get(code="customer-service")
    a1, a2 = EmployeeFactory(department=dept), EmployeeFactory(department=dept)
    late = EmployeeFactory(department=dept)
    for person in (a1, a2):
        entry(person, "2026-03-02", "cs-early")
    entry(late, "2026-03-02", "cs-late")
    from tests.courier.factories import ShipmentFactory

    tasks = [
        services.follow_up_open(ShipmentFactory(state="in_transit"), "uncertain", user=None)
        for _ in range(3)
    ]
    first = min(a1.pk, a2.pk)
    second = max(a1.pk, a2.pk)
    assert [t.assignee_id for t in tasks] == [first, second, first]


@time_machine.travel(at("2026-03-02", "12:00"), tick=False)
def test_nobody_on_shift_leaves_the_call_unassigned(shipment):
    """TRK-04: with nobody on shift the call waits in the unassigned queue, due next noon."""
    task = services.follow_up_open(shipment, "no_feedback", user=None)
    assert task.assignee_id is None
    assert task.due_at == at("2026-03-03", "12:00")
    assert list(selectors.unassigned_queue()) == [task]
    assert services.follow_up_open(shipment, "no_feedback", user=None) is None


@time_machine.travel(MORNING, tick=False)
def test_arrival_confirmation_records_the_four_points_and_reports_an_anomaly(make_shipment):
    """TRK-03: arrival time, goods condition, driver's attitude and who signed are required;
    damaged goods are reported to the supervisor at once."""
    boss = supervisor()
    s = make_shipment(state="delivered")
    tracked(s, active=False, delivered_at=MORNING, arrival_call_due=True)
    task = services.follow_up_open(s, "arrival", user=None)
    agent = UserFactory()
    from courier.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        services.follow_up_complete(task, user=agent, outcome="reached")
    assert sorted(err.value.error_dict) == [
        "arrival_time",
        "driver_attitude",
        "goods_condition",
        "signed_by",
    ]
    done = services.follow_up_complete(
        task,
        user=agent,
        outcome="reached",
        arrival_time=MORNING,
        goods_condition="damaged",
        driver_attitude="good",
        signed_by="张三",
    )
    assert (done.state, done.signed_by, done.attempts) == ("done", "张三", 1)
    assert done.history.first().history_user == agent
    assert ShipmentTracking.objects.get(pk=s.pk).arrival_confirmed_at == MORNING
    note = Notification.objects.get(recipient=boss)
    assert note.subject == (f"Arrival anomaly on {s.waybill_number}: goods Damaged, driver Good")
    assert services.tracking_sweep().arrival == 0


def test_chase_replies_daily_and_alerts_after_three_days(shipment):
    """TRK-05: one station-head reply a day; 3 days without delivery alerts the supervisor,
    once."""
    boss = supervisor()
    agent = UserFactory()
    with time_machine.travel(MORNING, tick=False):
        chase = services.follow_up_open(shipment, "chase", user=None)
        services.chase_reply_record(chase, user=agent, station_head="王站长", reply="明天派送")
        from courier.core.errors import StateConflict

        with pytest.raises(StateConflict):
            services.chase_reply_record(chase, user=agent, station_head="王站长", reply="again")
    with time_machine.travel(at("2026-03-05", "08:59"), tick=False):
        assert services.chases_alert(now=at("2026-03-05", "08:59")) == 0
    with time_machine.travel(at("2026-03-05", "09:00"), tick=False):
        assert services.chases_alert(now=at("2026-03-05", "09:00")) == 1
        assert services.chases_alert(now=at("2026-03-05", "09:00")) == 0
    chase.refresh_from_db()
    assert (chase.state, chase.attempts, chase.replies.count()) == ("open", 1, 1)
    assert Notification.objects.get(recipient=boss).subject == (
        f"Chase of {shipment.waybill_number}: not delivered after 3 days"
    )


@time_machine.travel(MORNING, tick=False)
def test_vip_followed_daily_with_an_update_sms(make_shipment):
    """TRK-10: each active VIP shipment gets one follow-up a day and an SMS update."""
    from tests.factories import PartnerFactory
    from tracking.models import SmsMessage

    vip = make_shipment(owner=PartnerFactory(is_vip=True))
    tracked(vip, last_status="in_transit", last_location="广州转运中心")
    assert services.tracking_sweep().vip == 1
    assert services.tracking_sweep().vip == 0
    sms = SmsMessage.objects.get(template="vip-update")
    assert sms.body == (
        f"【快递】VIP快件{vip.waybill_number}最新状态：In transit，广州转运中心。"
        "如需帮助请致电客服热线。"
    )


def test_revisit_rate_per_agent_and_overdue_to_the_supervisor(make_shipment):
    """TRK-04: done ÷ required per agent and in total; overdue calls reported once."""
    boss = supervisor()
    a = EmployeeFactory(name="甲")
    with time_machine.travel(MORNING, tick=False):
        t1 = services.follow_up_open(make_shipment(), "uncertain", user=None)
        t2 = services.follow_up_open(make_shipment(), "uncertain", user=None)
        for t in (t1, t2):
            services.follow_up_reassign(t, user=boss, assignee=a)
        services.follow_up_complete(t1, user=boss, outcome="reached")
    figures = selectors.revisit_figures(dt.date(2026, 3, 2))
    assert figures["agents"] == [
        {"agent_id": a.pk, "agent": "甲", "required": 2, "done": 1, "rate": 0.5}
    ]
    assert (figures["required"], figures["done"], figures["rate"]) == (2, 1, 0.5)
    assert services.follow_ups_overdue_report(now=at("2026-03-02", "17:59")) == 0
    assert services.follow_ups_overdue_report(now=at("2026-03-02", "18:00")) == 1
    assert services.follow_ups_overdue_report(now=at("2026-03-02", "18:05")) == 0
    assert Notification.objects.get(recipient=boss).subject == "1 follow-up calls are overdue"
    services.follow_up_day_report_send(dt.date(2026, 3, 2))
    report = Notification.objects.filter(recipient=boss).latest("id")
    assert report.subject == "Follow-up calls of 2026-03-02: revisit rate 50%"
    assert report.body == "甲: 1/2 50%\nTotal: 1/2 50%"


@time_machine.travel(MORNING, tick=False)
def test_agent_queue_shows_todays_calls_chases_and_contacts(
    make_shipment, django_assert_num_queries
):
    """TRK-04/05/01: the queue page's read, in 2 queries."""
    agent = EmployeeFactory()
    call = services.follow_up_open(make_shipment(), "redelivery", user=None)
    chase = services.follow_up_open(make_shipment(), "chase", user=None)
    for t in (call, chase):
        services.follow_up_reassign(t, user=None, assignee=agent)
    contact = services.contact_record(
        user=agent.user, channel="hotline", kind="enquiry", summary="在哪"
    )
    with django_assert_num_queries(2):
        queue = selectors.agent_queue(agent, dt.date(2026, 3, 2))
    assert (queue["calls"], queue["chases"], queue["contacts"]) == ([call], [chase], [contact])
