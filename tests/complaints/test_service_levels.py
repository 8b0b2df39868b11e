"""CMP-12: the hotline answer rate and orders processed within 24 h are measured, not typed."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from complaints.models import CallRecord
from complaints.selectors import service_levels, service_levels_by_day
from complaints.services import ComplaintError, call_records_import, service_level_day_record
from tests.courier.factories import OrderFactory, ShipmentFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 2)
HEADER = "call_id,started_at,answered_at,caller,extension\n"


def at(hh, mm=0, ss=0, day=DAY):
    return dt.datetime.combine(day, dt.time(hh, mm, ss), tzinfo=TZ)


def csv_import(org, body: str, name="calls.csv"):
    return call_records_import(
        user=org.manager.user, content=(HEADER + body).encode(), filename=name
    )


def test_call_records_imported_give_the_answer_rate(org):
    """CMP-12: 4 calls on 2 March (Beijing time, one given in UTC that falls on the 2nd), 3
    answered: answer rate 75.00%, below the 98% target; a call at 23:59:59 local belongs to
    the day, one at 00:00 the next day does not."""
    body = (
        "H-1,2026-03-02 09:00:00,2026-03-02 09:00:20,13800000001,801\n"
        "H-2,2026-03-02 09:05:00,,13800000002,\n"
        "H-3,2026-03-01T16:30:00+00:00,2026-03-01T16:30:10+00:00,13800000003,802\n"
        "H-4,2026-03-02 23:59:59,2026-03-03 00:00:05,,803\n"
        "H-5,2026-03-03 00:00:00,2026-03-03 00:00:09,,803\n"
    )
    assert csv_import(org, body) == 5
    h3 = CallRecord.objects.get(call_id="H-3")
    assert h3.started_at == at(0, 30) and h3.extension == "802"
    assert h3.imported_by == org.manager.user and h3.source_file == "calls.csv"
    day = service_levels_by_day(DAY, DAY)[DAY]
    assert (day["calls_offered"], day["calls_answered"]) == (4, 3)
    assert day["hotline_answer_rate"] == Decimal("75.00")
    assert day["corrected"] is False
    report = service_levels(DAY, DAY)
    assert report["hotline_answer_rate"] == Decimal("75.00")
    assert report["hotline_target_met"] is False
    nxt = service_levels_by_day(DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1))
    assert nxt[DAY + dt.timedelta(days=1)]["calls_offered"] == 1


def test_call_records_import_refuses_duplicates_and_reports_every_bad_line(org):
    """CMP-12: a call id twice in the file or imported before, an unreadable or missing time,
    an answer before the call: each line's error is listed, and nothing is written."""
    csv_import(org, "H-1,2026-03-02 09:00:00,2026-03-02 09:00:20,,\n")
    body = (
        "H-1,2026-03-02 10:00:00,,,\n"
        "H-2,2026-03-02 10:01:00,,,\n"
        "H-2,2026-03-02 10:02:00,,,\n"
        "H-3,yesterday,,,\n"
        "H-4,,,,\n"
        "H-5,2026-03-02 10:05:00,2026-03-02 10:04:00,,\n"
        ",2026-03-02 10:06:00,,,\n"
        "H-7,2026-03-02 10:07:00,,,\n"
    )
    with pytest.raises(ComplaintError) as info:
        csv_import(org, body)
    assert info.value.messages == [
        "Line 2: call H-1 was imported before.",
        "Line 4: call H-2 is already on line 3.",
        "Line 5: a time must be YYYY-MM-DD HH:MM:SS.",
        "Line 6: the start time is empty.",
        "Line 7: the call was answered before it started.",
        "Line 8: the call id is empty.",
    ]
    assert list(CallRecord.objects.values_list("call_id", flat=True)) == ["H-1"]
    with pytest.raises(ComplaintError, match="Missing columns: answered_at"):
        call_records_import(
            user=org.manager.user,
            content=b"call_id,started_at\nX,2026-03-02 10:00\n",
            filename="calls.csv",
        )


def test_call_records_import_from_excel(org):
    """CMP-12: the same format as an Excel workbook (first sheet), date cells as the phone
    system exports them; a damaged workbook is refused with a clear message."""
    wb = Workbook()
    ws = wb.active
    ws.append(["call_id", "started_at", "answered_at", "caller", "extension"])
    ws.append(["X-1", dt.datetime(2026, 3, 2, 8, 0), dt.datetime(2026, 3, 2, 8, 0, 15), "", 801])
    ws.append(["X-2", dt.datetime(2026, 3, 2, 8, 1), None, "13800000000", None])
    buf = io.BytesIO()
    wb.save(buf)
    n = call_records_import(user=org.manager.user, content=buf.getvalue(), filename="话单.xlsx")
    assert n == 2
    x1 = CallRecord.objects.get(call_id="X-1")
    assert x1.started_at == at(8) and x1.answered_at == at(8, 0, 15) and x1.extension == "801"
    assert service_levels_by_day(DAY, DAY)[DAY]["hotline_answer_rate"] == Decimal("50.00")
    with pytest.raises(ComplaintError, match="not an Excel workbook"):
        call_records_import(user=org.manager.user, content=b"nope", filename="x.xlsx")


def test_orders_processed_within_24_hours_from_their_own_times(org):
    """CMP-12: orders paid on 2 March: shipped 24 h after payment exactly (in time), 24 h 1 min
    after (late), not shipped (not in time); a sandbox partner's order is left out; an order
    paid on 1 March is another day. 1 of 3 = 33.33%."""
    partner = PartnerFactory(code="LF")
    sandbox = PartnerFactory(code="SBX", is_sandbox=True)
    paid = at(10)
    ShipmentFactory(
        order=OrderFactory(partner=partner, paid_at=paid), shipped_at=paid + dt.timedelta(hours=24)
    )
    ShipmentFactory(
        order=OrderFactory(partner=partner, paid_at=paid),
        shipped_at=paid + dt.timedelta(hours=24, minutes=1),
    )
    OrderFactory(partner=partner, paid_at=paid)
    ShipmentFactory(order=OrderFactory(partner=sandbox, paid_at=paid), shipped_at=paid)
    ShipmentFactory(
        order=OrderFactory(partner=partner, paid_at=at(23, 59, day=DAY - dt.timedelta(days=1))),
        shipped_at=paid,
    )
    day = service_levels_by_day(DAY, DAY)[DAY]
    assert (day["orders_received"], day["orders_within_24h"]) == (3, 1)
    assert day["orders_within_24h_rate"] == Decimal("33.33")
    before = service_levels_by_day(DAY - dt.timedelta(days=1), DAY - dt.timedelta(days=1))
    assert before[DAY - dt.timedelta(days=1)]["orders_within_24h"] == 1


def test_a_correction_replaces_the_measured_day_and_says_why(org):
    """CMP-12: the typed entry only corrects: with a reason, it replaces that day's measured
    figures (calls and orders) and the report says it was corrected and why."""
    csv_import(org, "H-1,2026-03-02 09:00:00,,,\n")
    assert service_levels_by_day(DAY, DAY)[DAY]["hotline_answer_rate"] == Decimal("0.00")
    service_level_day_record(
        user=org.manager.user,
        day=DAY,
        reason="话务系统漏记了上午的接听",
        calls_offered=50,
        calls_answered=49,
    )
    day = service_levels_by_day(DAY, DAY)[DAY]
    assert day["hotline_answer_rate"] == Decimal("98.00")
    assert day["corrected"] is True and day["reason"] == "话务系统漏记了上午的接听"
    assert service_levels(DAY, DAY)["hotline_target_met"] is True


def test_a_correction_of_the_calls_keeps_the_orders_measured(org):
    """CMP-12: correcting only the hotline calls of a day replaces the calls and leaves the
    orders measured from their own timestamps (1 of 1 in time), and a later order of that day
    still counts; correcting nothing at all is refused."""
    partner = PartnerFactory(code="LF2")
    paid = at(10)
    ShipmentFactory(order=OrderFactory(partner=partner, paid_at=paid), shipped_at=paid)
    service_level_day_record(
        user=org.manager.user, day=DAY, reason="话务系统漏记", calls_offered=50, calls_answered=49
    )
    day = service_levels_by_day(DAY, DAY)[DAY]
    assert (day["calls_offered"], day["calls_answered"]) == (50, 49)
    assert (day["orders_received"], day["orders_within_24h"]) == (1, 1)
    OrderFactory(partner=partner, paid_at=at(11))
    day = service_levels_by_day(DAY, DAY)[DAY]
    assert (day["orders_received"], day["orders_within_24h"], day["corrected"]) == (2, 1, True)
    with pytest.raises(ComplaintError, match="Give the corrected orders or calls"):
        service_level_day_record(user=org.manager.user, day=DAY, reason="x")
