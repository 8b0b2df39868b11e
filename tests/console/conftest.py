import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from complaints.models import Complaint
from tests.complaints.factories import employee_in_role
from tests.courier.factories import OrderFactory, ShipmentFactory
from tests.factories import PartnerFactory
from tracking.models import ContactLog, FollowUpTask

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hhmm: str = "00:00") -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(hhmm), tzinfo=TZ)


NOW = at("2026-03-10", "10:00")
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield NOW


class Org:
    def __init__(self):
        self.hq = employee_in_role("hq", position="hq", username="hq-lead")
        self.manager = employee_in_role("manager", supervisor=self.hq, username="cs-manager")
        self.supervisor = employee_in_role(
            "supervisor", supervisor=self.manager, username="cs-supervisor"
        )
        self.agent = employee_in_role("agent", supervisor=self.supervisor, username="cs-agent")
        self.other = employee_in_role("agent", supervisor=self.supervisor, username="cs-agent2")
        self.partner = PartnerFactory(code="LF", name="乐蜂网")


@pytest.fixture
def org(db):
    return Org()


def complaint(agent, *, respond_by=None, resolve_by=None, responded_at=None, **kw):
    defaults = {
        "channel": "hotline",
        "customer_name": "王先生",
        "description": "快递三天未送达",
        "category": "delay",
        "received_at": NOW - dt.timedelta(hours=2),
        "clock_started_at": NOW - dt.timedelta(hours=2),
        "state": "received" if responded_at is None else "investigating",
    }
    defaults.update(kw)
    return Complaint.objects.create(
        assigned_agent=agent,
        respond_by=respond_by,
        resolve_by=resolve_by,
        responded_at=responded_at,
        **defaults,
    )


def shipment(partner, state="in_transit"):
    return ShipmentFactory(order=OrderFactory(partner=partner), state=state)


def task(agent, partner, *, reason="redelivery", due_at=None, state="open", shipment_state=None):
    s = shipment(partner, state=shipment_state or "delivery_failed")
    return FollowUpTask.objects.create(
        shipment=s,
        reason=reason,
        state=state,
        due_at=due_at or NOW + dt.timedelta(hours=2),
        assignee=agent,
        created_at=NOW - dt.timedelta(hours=5),
        chase_until=(NOW + dt.timedelta(days=3)) if reason == "chase" else None,
    )


def contact(agent, **kw):
    return ContactLog.objects.create(
        channel="hotline",
        kind="enquiry",
        agent=agent,
        received_at=NOW - dt.timedelta(hours=1),
        **kw,
    )
