"""Item 8 extracts (TRK-06, TRK-08, TRK-12) as selectors; the admin pages and buttons."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group

from tests.factories import EmployeeFactory, UserFactory
from tracking import selectors, services
from tracking.models import TrackingEvent, TrackingPolicy

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-03-02", "10:00")


@time_machine.travel(NOW, tick=False)
def test_extract_abnormal_and_untrue_station_orders(make_shipment):
    """TRK-06: the day's calls closed as abnormal or with untrue station information."""
    user = UserFactory()
    a = services.follow_up_open(make_shipment(), "redelivery", user=None)
    b = services.follow_up_open(make_shipment(), "uncertain", user=None)
    c = services.follow_up_open(make_shipment(), "no_feedback", user=None)
    services.follow_up_complete(a, user=user, outcome="station_untrue", note="站点说已派")
    services.follow_up_complete(b, user=user, outcome="abnormal")
    services.follow_up_complete(c, user=user, outcome="reached")
    rows = selectors.abnormal_orders_extract(dt.date(2026, 3, 2))
    assert [(r["waybill_number"], r["outcome"]) for r in rows] == [
        (a.shipment.waybill_number, "station_untrue"),
        (b.shipment.waybill_number, "abnormal"),
    ]


@time_machine.travel(NOW, tick=False)
def test_extract_redelivery_volume_and_success_per_company(make_shipment, partner):
    """TRK-08: re-delivery calls due that day per partner, delivered share."""
    for state in ("delivered", "delivered", "delivery_failed"):
        services.follow_up_open(make_shipment(state=state), "redelivery", user=None)
    rows = selectors.redelivery_extract(dt.date(2026, 3, 2))
    assert rows == [
        {
            "partner": partner.code,
            "partner_name": partner.name,
            "volume": 3,
            "delivered": 2,
            "success_rate": 2 / 3,
        }
    ]


def test_extract_delay_causes_per_lane(make_shipment):
    """TRK-12: delay events by cause and lane (sender city → recipient city)."""
    s = make_shipment()
    for seq, cause in enumerate(["weather", "weather", "traffic_control", "damaged"], start=1):
        TrackingEvent.objects.create(
            shipment=s,
            partner=s.partner,
            seq=seq,
            status="exception",
            sub_status=cause,
            occurred_at=NOW,
            received_at=NOW,
            source="partner_api",
        )
    rows = selectors.delay_causes_extract(dt.date(2026, 3, 2), dt.date(2026, 3, 2))
    assert rows == [
        {"lane": "上海市 → 深圳市", "cause": "traffic_control", "events": 1, "shipments": 1},
        {"lane": "上海市 → 深圳市", "cause": "weather", "events": 2, "shipments": 1},
    ]


def test_policy_editable_only_with_the_rules_permission(client):
    """TRK-02: an agent sees the policy but cannot edit it; a superuser edits it, with history."""
    agent = UserFactory()
    agent.groups.add(Group.objects.get(name="agent"))
    client.force_login(agent)
    page = client.get("/admin/tracking/trackingpolicy/1/change/")
    assert page.status_code == 200 and b'name="stale_hours"' not in page.content
    boss = UserFactory(is_superuser=True)
    client.force_login(boss)
    page = client.get("/admin/tracking/trackingpolicy/1/change/")
    assert b'name="stale_hours"' in page.content


@time_machine.travel(NOW, tick=False)
def test_admin_runs_the_sweep_and_shows_the_queue(client, shipment):
    """TRK-02/TRK-04: the morning sweep runs from the admin; the agent's queue page shows work."""
    boss = UserFactory(is_superuser=True)
    client.force_login(boss)
    from tracking.models import ShipmentTracking

    ShipmentTracking.objects.create(
        shipment=shipment, partner=shipment.partner, last_event_at=NOW - dt.timedelta(days=2)
    )
    response = client.post("/admin/tracking/trackingpolicy/1/do/sweep/", {"confirm": "yes"})
    assert response.status_code == 302
    task = shipment.follow_ups.get()
    assert task.reason == "chase"
    agent = EmployeeFactory(user=boss)
    services.follow_up_reassign(task, user=boss, assignee=agent)
    page = client.get("/admin/tracking/followuptask/my-queue/")
    assert page.status_code == 200
    assert shipment.waybill_number in page.content.decode()
    assert TrackingPolicy.current().history.count() >= 0


@time_machine.travel(NOW, tick=False)
def test_extracts_are_stored_report_runs(make_shipment):
    """TRK-06/TRK-08 item 8: the extracts run as stored reports with their exact rows, and
    the daily jobs are scheduled."""
    from courier.core.reports import report_run, report_run_rows
    from courier.periodic import PERIODIC_JOBS

    user = UserFactory()
    task = services.follow_up_open(make_shipment(), "redelivery", user=None)
    services.follow_up_complete(task, user=user, outcome="abnormal", note="=1+1")
    run = report_run("tracking.abnormal_orders", params={"day": "2026-03-02"}, user=user)
    assert run.row_count == 1
    _header, rows = report_run_rows(run)
    assert rows[-1][:4] == [task.shipment.waybill_number, "redelivery", "abnormal", "'=1+1"]
    run = report_run("tracking.redelivery", params={"day": "2026-03-02"}, user=user)
    assert report_run_rows(run)[1] == [
        [task.shipment.partner.code, task.shipment.partner.name, "1", "0", "0.0%"]
    ]
    jobs = {j.name: j for j in PERIODIC_JOBS if j.task == "courier.reports.run"}
    assert jobs["tracking-report-abnormal-orders"].kwargs["name"] == "tracking.abnormal_orders"
    assert jobs["tracking-report-redelivery"].crontab == {"minute": "45", "hour": "18"}
