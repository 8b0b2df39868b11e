"""Issue 12 item 2: exports carry no customer's personal data. After the demo's working day is
seeded, every registered stored report is run and every statement exported; no file holds a full
phone number, a full name or a street address of a sender, recipient or complaining customer
(GB/T 41833-2022: such data is shown only where a role needs it for its work)."""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from complaints.models import Complaint
from courier.core.reports.registry import reports_all, reports_discover
from courier.core.reports.services import report_run
from courier.finance.models import Statement
from courier.finance.services.exports import statement_xlsx
from courier.shipments.models import Order

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 3, 11, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _personal_values() -> set[str]:
    values = set()
    for order in Order.objects.all():
        values |= {
            order.sender_name,
            order.sender_phone,
            order.sender_address,
            order.recipient_name,
            order.recipient_phone,
            order.recipient_address,
        }
    for complaint in Complaint.objects.all():
        values |= {complaint.customer_name, complaint.customer_phone, complaint.customer_email}
    return {v for v in values if v and len(v) >= 2}


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


def test_no_report_or_statement_export_holds_personal_data(settings, tmp_path):
    """ORG-03, DLV-06, TRK-06, TRK-09, FIN-03: with the demo's orders, complaints and statements
    in place, none of the stored reports nor the statement exports contains a customer's full
    name, phone, e-mail or street address."""
    settings.VAR_DIR = tmp_path
    with time_machine.travel(MORNING, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        json.loads((tmp_path / "demo-logins.json").read_text())
        personal = _personal_values()
        assert len(personal) >= 20  # the demo has real-looking people to leak
        reports_discover()
        texts = {}
        for definition in reports_all():
            run = report_run(definition.name)
            with run.file.open("rb") as handle:
                texts[definition.name] = handle.read().decode("utf-8-sig")
        for statement in Statement.objects.all():
            texts[f"statement {statement.number}"] = _xlsx_text(statement_xlsx(statement))
    assert len(texts) >= 8
    leaks = {name: sorted(v for v in personal if v in text) for name, text in texts.items()}
    assert {name: found for name, found in leaks.items() if found} == {}
