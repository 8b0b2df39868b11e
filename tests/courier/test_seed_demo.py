"""``seed_demo`` builds a working day's story through the domains' services (issue 17 point 1,
the demo parts of the finance and tracking issues), and a second run changes nothing.

The story is seeded at a fixed moment (Wednesday 11 March 2026, 10:30 in Shanghai) so every
figure is exact; two more moments (the evening, and before the 09:00 sweep) show it is "today"
whenever the demo starts.
"""

import datetime as dt
import io
import json
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from complaints.models import Complaint, ComplaintClaim
from courier.core.models import PartnerAPIKey
from courier.demo.cases import due_within
from courier.demo.clock import Clock
from courier.finance.models import (
    FeeSchedule,
    LedgerEntry,
    PartnerAccount,
    ShipmentFeeLine,
    Statement,
)
from courier.finance.services.ledger import partner_balance
from courier.shipments.models import Shipment
from staffing.models import (
    Employee,
    LeaveRequest,
    RosterEntry,
    ScoreEvent,
    Settlement,
    SwapRequest,
)
from tracking import selectors as tracking_selectors
from tracking.models import ContactLog, FollowUpTask, TrackingEvent

TZ = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 3, 11, 10, 30, tzinfo=TZ)

EVERY_STATE = {
    "created": 1,
    "printed": 1,
    "packed": 1,
    "picked_up": 1,
    "in_transit": 2,  # one on time, one stale for three days
    "at_station": 1,
    "out_for_delivery": 1,
    "delivered": 1,
    "delivery_failed": 1,
    "returning": 1,
    "returned": 1,
    "cancelled": 1,
    "lost": 1,
}


@pytest.fixture
def seed(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    def run(at=MORNING):
        with time_machine.travel(at, tick=False):
            call_command("seed_demo", stdout=io.StringIO())
        return json.loads((tmp_path / "demo-logins.json").read_text())

    return run


def agent():
    return Employee.objects.get(user__username="agent")


def test_shipments_in_every_state_with_their_events(seed):
    """SHP-07, TRK-02, TRK-07: one order per shipment state, moved by the desks, after-sales and
    the carrier's events through the ingestion service (28 events for 10 shipments on the road)."""
    seed()
    assert Counter(Shipment.objects.values_list("state", flat=True)) == EVERY_STATE
    assert TrackingEvent.objects.count() == 28
    on_the_road = Shipment.objects.exclude(state__in=["created", "printed", "packed", "cancelled"])
    assert on_the_road.count() == 10
    assert set(TrackingEvent.objects.values_list("shipment", flat=True)) == set(
        on_the_road.values_list("pk", flat=True)
    )
    latest = TrackingEvent.objects.order_by("occurred_at").last()
    assert latest.occurred_at <= MORNING


def test_calls_and_chases_due_in_the_agents_queue(seed):
    """TRK-01, TRK-03, TRK-04, TRK-05: the morning sweep opens the chase of the stale parcel; the
    delivery opens an arrival call and the failed delivery a re-delivery call, all due today at
    18:00 and in 张客服's queue with this morning's hotline contact."""
    seed()
    tasks = FollowUpTask.objects.filter(state="open")
    assert sorted(tasks.values_list("shipment__order__partner_ref", "reason")) == [
        ("DEMO-DELIVERED", "arrival"),
        ("DEMO-FAILED", "redelivery"),
        ("DEMO-STALE", "chase"),
    ]
    due = dt.datetime(2026, 3, 11, 18, 0, tzinfo=TZ)
    assert set(tasks.values_list("due_at", flat=True)) == {due}
    queue = tracking_selectors.agent_queue(agent(), MORNING.date())
    assert (len(queue["calls"]), len(queue["chases"]), len(queue["contacts"])) == (2, 1, 1)
    assert not tracking_selectors.unassigned_queue().exists()
    assert ContactLog.objects.get().waybill_number == (
        Shipment.objects.get(order__partner_ref="DEMO-STALE").waybill_number
    )


def test_complaints_at_each_stage_one_due_within_the_hour(seed):
    """CMP-01, CMP-03, CMP-05, CMP-06, CMP-07, CMP-11: new, answered, investigating, escalated to
    the supervisor, closed with the customer's acceptance, a compensation claim for the lost
    parcel; the major complaint received 10 minutes ago must be answered within 20 minutes."""
    seed()
    complaints = Complaint.objects.all()
    assert Counter(complaints.values_list("state", flat=True)) == {
        "received": 2,
        "accepted": 3,
        "investigating": 1,
        "closed": 1,
    }
    escalated = complaints.get(escalation_level__gt=0)
    assert (escalated.escalation_level, escalated.escalated_to.user.username) == (1, "supervisor")
    soon = due_within(complaints, Clock(MORNING))
    assert [c.customer_email for c in soon] == ["demo-due_soon@customer.example"]
    assert soon[0].respond_by == MORNING + dt.timedelta(minutes=20)
    claim = ComplaintClaim.objects.get()
    assert (claim.kind, claim.state, str(claim.amount)) == ("compensation", "proposed", "899.00")
    assert claim.complaint.shipment.state == "lost"


def test_team_roster_requests_scores_and_settlement(seed):
    """STF-02, STF-03, STF-09, LEV-01, LEV-04, SCR-04, SCR-08: a roster published for the five
    days from today (4 people a day), a swap and a leave waiting for the supervisor, last month's
    13 score events and two this month, last month's settlement open."""
    seed()
    entries = RosterEntry.objects.filter(status="published")
    days = [MORNING.date() + dt.timedelta(days=n) for n in range(5)]
    assert Counter(entries.values_list("date", flat=True)) == dict.fromkeys(days, 4)
    assert not RosterEntry.objects.filter(status="draft").exists()
    swap = SwapRequest.objects.get()
    assert (swap.state, swap.date) == ("awaiting_supervisor", days[2])
    leave = LeaveRequest.objects.get()
    assert (leave.state, leave.entry.date) == ("awaiting_supervisor", days[3])
    assert leave.addressed_to.user.username == "supervisor"
    months = Counter(ScoreEvent.objects.values_list("month", flat=True))
    assert months == {dt.date(2026, 2, 1): 13, dt.date(2026, 3, 1): 2}
    settlement = Settlement.objects.get()
    assert (settlement.month, settlement.state) == (dt.date(2026, 2, 1), "open")


def test_partner_fee_schedule_prepayment_statement_and_key(seed):
    """FIN-01, FIN-02, FIN-03: the partner has a finance account, 2,000 yuan of prepaid funds
    left, its own contract price list (the standard lanes at 90%: road 华东 → 华南 first kg
    12.00 × 0.9 = 10.80, 2.50 × 0.9 = 2.25 a step; insurance 3‰, minimum 1, cap 2,000), fee
    lines priced by it on each of its 13 billed shipments and an issued statement of this month
    whose total is the sum of those lines; its printed API key opens the API."""
    logins = seed()
    account = PartnerAccount.objects.get(partner__code="DEMO")
    schedule = FeeSchedule.objects.get(partner=account.partner)
    version = schedule.versions.get()
    road = version.lanes.get(mode="road", origin__code="HD", destination__code="HN", province="")
    assert (road.first_price, road.step_price) == (Decimal("10.80"), Decimal("2.25"))
    rate = version.insurance_rates.get()
    assert (rate.rate_permille, rate.minimum, rate.cap) == (3, 1, 2000)
    lines = ShipmentFeeLine.objects.filter(partner=account.partner)
    assert set(lines.values_list("version_id", flat=True)) == {version.pk}
    assert {"freight", "insurance"} <= set(lines.values_list("kind", flat=True))
    assert LedgerEntry.objects.get(partner=account.partner).kind == "top_up"
    assert partner_balance(account.partner) == Decimal("-2000.00")  # negative: prepaid
    statement = Statement.objects.get(partner=account.partner)
    billed = statement.lines.values("shipment").distinct().count()
    assert billed == Shipment.objects.exclude(state="cancelled").count() == 13
    assert (statement.state, statement.period_start) == ("issued", dt.date(2026, 3, 1))
    assert statement.total == sum(
        lines.filter(statement=statement).values_list("amount", flat=True)
    )
    key = PartnerAPIKey.objects.get_from_key(logins["partner-api-key"])
    assert key.partner == account.partner
    assert {"agent", "supervisor", "manager", "finance", "admin"} <= set(logins)


def test_second_run_changes_nothing(seed):
    """A second run creates nothing and changes no count, history tables included, and keeps
    the passwords and the API key."""
    first = seed()
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    second = seed(MORNING + dt.timedelta(minutes=5))
    assert {m._meta.label: m._default_manager.count() for m in apps.get_models()} == counts
    assert second == first


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2026, 3, 11, 21, 15, tzinfo=TZ),  # the evening
        dt.datetime(2026, 3, 11, 7, 5, tzinfo=TZ),  # before the 09:00 sweep
    ],
    ids=["evening", "early-morning"],
)
def test_the_story_is_today_whenever_the_demo_starts(seed, at):
    """TRK-04, STF-02, CMP-03: started at any hour, the roster runs from today, the calls are due
    today and in the agent's queue, and one complaint is due within the hour."""
    seed(at)
    today = timezone.localdate(at)
    assert RosterEntry.objects.filter(status="published", date=today).count() == 4
    queue = tracking_selectors.agent_queue(agent(), today)
    assert (len(queue["calls"]), len(queue["chases"]), len(queue["contacts"])) == (2, 1, 1)
    assert len(due_within(Complaint.objects.all(), Clock(at))) == 1
    assert Counter(Shipment.objects.values_list("state", flat=True)) == EVERY_STATE


def test_the_pages_show_the_story(seed, client):
    """TRK-04, STF-02, STF-09, LEV-04: 张客服's queue page lists the three waybills to call, her
    /staff/ page shows the published roster, and the supervisor's approvals page the swap of
    张客服 and the leave of 刘售前."""
    seed()
    User = apps.get_model("auth", "User")
    client.force_login(User.objects.get(username="agent"))
    with time_machine.travel(MORNING, tick=False):
        queue = client.get("/admin/tracking/followuptask/my-queue/").content.decode()
        staff = client.get("/staff/").content.decode()
        client.force_login(User.objects.get(username="supervisor"))
        approvals = client.get("/staff/approvals/").content.decode()
    for ref in ("DEMO-DELIVERED", "DEMO-FAILED", "DEMO-STALE"):
        assert Shipment.objects.get(order__partner_ref=ref).waybill_number in queue
    assert "客服早班" in staff and "No published roster" not in staff
    assert "张客服" in approvals and "刘售前" in approvals
