"""TRK-07 (returns issued to stations, Mon/Wed/Fri) and TRK-09 (month-end order inventory per
station, printed for the station head's signature, handed to the supervisors)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group

from courier.core.models import Notification
from courier.core.reports import report_run_rows
from courier.periodic import PERIODIC_JOBS
from courier.shipments.models import RecallSlip, Station, StationScan
from tests.courier.factories import ShipmentFactory
from tests.factories import UserFactory
from tracking import selectors
from tracking.services import returns_to_stations_report, station_inventory_report

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return UserFactory()


@pytest.fixture
def supervisor():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="supervisor"))
    return user


@pytest.fixture
def stations():
    return (
        Station.objects.create(code="SZ01", name="南山站", province="广东省", city="深圳市"),
        Station.objects.create(code="SZ02", name="福田站", province="广东省", city="深圳市"),
    )


def scan(shipment, station, when, user, direction="inbound", shelf="A-1"):
    return StationScan.objects.create(
        shipment=shipment,
        station=station,
        direction=direction,
        intact=True,
        weight_kg=Decimal("1.000"),
        shelf_location=shelf if direction == "inbound" else "",
        source="分拨中心",
        scanned_at=when,
        scanned_by=user,
    )


def recall(shipment, when, *, back_on=None):
    slip = RecallSlip.objects.create(
        shipment=shipment, reason="客户拒收", courier_name="王师傅", courier_signed_at=when
    )
    fields = {"created_at": when}
    if back_on:
        fields |= {"state": "received", "received_name": "李", "received_on": back_on}
    RecallSlip.objects.filter(pk=slip.pk).update(**fields)
    return slip


@pytest.fixture
def returns(stations, clerk):
    nanshan, futian = stations
    made = {}
    for name, station, issued, back in [
        ("a", nanshan, at("2026-03-02", "10:00"), None),
        ("b", nanshan, at("2026-03-03", "10:00"), dt.date(2026, 3, 4)),
        ("c", futian, at("2026-02-20", "10:00"), None),
        ("d", futian, at("2026-02-20", "11:00"), dt.date(2026, 2, 22)),
        ("e", None, at("2026-03-05", "09:00"), None),
    ]:
        shipment = ShipmentFactory(state="returning")
        if station:
            scan(shipment, station, issued - dt.timedelta(days=1), clerk)
            # a later scan elsewhere does not move the return: the station before the slip
            scan(
                shipment, futian if station == nanshan else nanshan, issued + dt.timedelta(1), clerk
            )
        recall(shipment, issued, back_on=back)
        made[name] = shipment
    return made


def test_returns_to_stations_extract_per_station(returns):
    """TRK-07: per station, the returns issued in the period, those back, those still out (also
    from before the period) with the oldest date and the waybills; no station last."""
    rows = selectors.returns_to_stations_extract(dt.date(2026, 2, 28), dt.date(2026, 3, 6))
    assert rows == [
        {
            "station": "",
            "station_name": "",
            "issued": 1,
            "back": 0,
            "outstanding": 1,
            "oldest_outstanding": at("2026-03-05", "09:00"),
            "outstanding_waybills": [returns["e"].waybill_number],
        },
        {
            "station": "SZ01",
            "station_name": "南山站",
            "issued": 2,
            "back": 1,
            "outstanding": 1,
            "oldest_outstanding": at("2026-03-02", "10:00"),
            "outstanding_waybills": [returns["a"].waybill_number],
        },
        {
            "station": "SZ02",
            "station_name": "福田站",
            "issued": 0,
            "back": 0,
            "outstanding": 1,
            "oldest_outstanding": at("2026-02-20", "10:00"),
            "outstanding_waybills": [returns["c"].waybill_number],
        },
    ]


@time_machine.travel(at("2026-03-06", "17:00"), tick=False)
def test_returns_extract_is_a_stored_run_sent_to_the_supervisors_three_times_a_week(
    returns, supervisor
):
    """TRK-07: the Friday run covers the last 7 days, is stored with its exact rows, and the
    supervisors get a notice linking to it; beat runs it Mon/Wed/Fri (editable schedule)."""
    run = returns_to_stations_report(job="tracking-report-returns-to-stations")
    assert (run.report, run.parameters, run.row_count, run.job) == (
        "tracking.returns_to_stations",
        {"start": "2026-02-28", "end": "2026-03-06"},
        3,
        "tracking-report-returns-to-stations",
    )
    header, rows = report_run_rows(run)
    assert header[0] == "Station" and len(header) == 7
    assert rows[1] == ["SZ01", "南山站", "2", "1", "1", "2026-03-02 10:00:00+08:00"] + [
        returns["a"].waybill_number
    ]
    notice = Notification.objects.get(recipient=supervisor)
    assert notice.link == f"/admin/courier/reportrun/{run.pk}/change/"
    assert "2026-02-28" in notice.subject and "3" in notice.subject
    job = {j.name: j for j in PERIODIC_JOBS}["tracking-report-returns-to-stations"]
    assert job.task == "tracking.tasks.returns_to_stations_report"
    assert job.crontab == {"minute": "0", "hour": "17", "day_of_week": "1,3,5"}


@pytest.fixture
def inventory(stations, clerk):
    nanshan, futian = stations
    t = at("2026-03-20", "08:00")
    shelved = ShipmentFactory(state="at_station")
    scan(shelved, nanshan, t, clerk, shelf="B-7")
    out = ShipmentFactory(state="out_for_delivery")
    scan(out, nanshan, t - dt.timedelta(days=2), clerk, shelf="C-1")
    scan(out, nanshan, t, clerk, direction="outbound")
    failed = ShipmentFactory(state="delivery_failed")
    scan(failed, nanshan, t - dt.timedelta(days=9), clerk, shelf="Z-9")
    scan(failed, futian, t - dt.timedelta(days=5), clerk, shelf="F-2")
    delivered = ShipmentFactory(state="delivered")
    scan(delivered, nanshan, t, clerk)
    ShipmentFactory(state="at_station")  # never scanned: no station answers for it
    moving = ShipmentFactory(state="in_transit")
    scan(moving, futian, t, clerk)
    return {"shelved": shelved, "out": out, "failed": failed}


def test_station_inventory_extract_rows(inventory):
    """TRK-09: the orders each station answers for (shelf, out for delivery, back after a failed
    attempt) by the station of the last scan, with since, shelf and days held."""
    now = at("2026-03-31", "20:00")
    rows = selectors.station_inventory_extract(now=now)
    expected = sorted(
        [
            ("SZ01", "南山站", inventory["shelved"].waybill_number, "Arrived at station",
             at("2026-03-20", "08:00"), "B-7", 11),
            ("SZ01", "南山站", inventory["out"].waybill_number, "Out for delivery",
             at("2026-03-18", "08:00"), "C-1", 13),
            ("SZ02", "福田站", inventory["failed"].waybill_number, "Delivery failed",
             at("2026-03-15", "08:00"), "F-2", 16),
        ]
    )  # fmt: skip
    assert [tuple(r.values()) for r in rows] == expected
    assert [r["waybill_number"] for r in selectors.station_inventory_extract("SZ02", now=now)] == [
        inventory["failed"].waybill_number
    ]


def test_station_inventory_runs_only_at_month_end_and_is_printed_for_signature(
    inventory, supervisor, client
):
    """TRK-09: on the 30th of March nothing runs; on the 31st the run is stored and the
    supervisors are handed the print view: one sheet per station, its orders, and the lines
    for the station head's signature; beat fires on days 28-31."""
    with time_machine.travel(at("2026-03-30", "20:00"), tick=False):
        assert station_inventory_report() is None
    with time_machine.travel(at("2026-03-31", "20:00"), tick=False):
        run = station_inventory_report(job="tracking-report-station-inventory")
    assert (run.report, run.row_count) == ("tracking.station_inventory", 3)
    _header, rows = report_run_rows(run)
    assert rows[2] == [
        "SZ02",
        "福田站",
        inventory["failed"].waybill_number,
        "Delivery failed",
        "2026-03-15 08:00:00+08:00",
        "F-2",
        "16",
    ]
    notice = Notification.objects.get(recipient=supervisor)
    assert notice.link == f"/admin/tracking/trackingpolicy/inventory/{run.pk}/print/"
    client.force_login(supervisor)
    page = client.get(notice.link, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="sheet"') == 2
    assert html.count("Station head (signature)") == 2
    assert inventory["out"].waybill_number in html and "福田站" in html
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(notice.link).status_code in (302, 403)
    job = {j.name: j for j in PERIODIC_JOBS}["tracking-report-station-inventory"]
    assert (job.task, job.crontab) == (
        "tracking.tasks.station_inventory_report",
        {"minute": "0", "hour": "20", "day_of_month": "28-31"},
    )
