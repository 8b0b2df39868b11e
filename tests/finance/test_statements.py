"""FIN-03/04/05: statements both ways, disputes and notes, reconciliation, station audit,
bank transfers."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courier.core.models import WebhookEndpoint, WebhookEvent
from courier.finance import rules
from courier.finance.errors import FinanceConflict, FinanceInvalid, FinanceRefused
from courier.finance.models import (
    BankTransaction,
    BankTransferCustomer,
    LedgerEntry,
    ReconciliationItem,
    ShipmentFeeLine,
    Statement,
)
from courier.finance.services import bank, fees, ledger, statements
from courier.finance.services.exports import statement_xlsx
from tests.courier.factories import OrderFactory, ShipmentFactory, StationFactory
from tests.factories import UserFactory
from tests.finance.factories import contract
from tests.finance.helpers import finance_user, manager_user

pytestmark = pytest.mark.django_db


def _period():
    return rules.period_bounds("month", timezone.localdate())


def _shipped(partner, n=2, weight=D("3.2")):
    user = UserFactory(is_superuser=True)
    out = []
    for _ in range(n):
        s = ShipmentFactory(
            order=OrderFactory(
                partner=partner,
                sender_province="上海市",
                recipient_province="广东省",
                weight_kg=weight,
                volume_m3=D("0.024"),
                transport_mode="road",
            )
        )
        fees.shipment_fees_snapshot(s, user=user, declared_value=D("2000"))
        out.append(s)
    return out


def built(partner=None, n=2):
    partner, _ = contract(partner, account={"credit_limit": D("100000")})
    shipments = _shipped(partner, n)
    ids = statements.statements_build("month", *_period())
    return Statement.objects.get(pk__in=ids, partner=partner), shipments


def test_build_one_line_per_shipment():
    """FIN-03: the monthly statement has one line per shipment: freight 17.00 + insurance 6.00
    = 23.00 each (road, 4.0 kg; 2,000 declared at 3‰); total 46.00 = the sum of the lines.
    The fee lines are now billed by it; a re-run builds nothing new."""
    statement, shipments = built()
    assert statement.state == "draft" and statement.version == 1
    lines = list(statement.lines.order_by("number"))
    assert [(x.waybill_number, x.amount, x.weight_kg) for x in lines] == [
        (s.waybill_number, D("23.00"), D("4.000")) for s in shipments
    ]
    assert statement.total == D("46.00") and statement.line_count == 2
    assert ShipmentFeeLine.objects.filter(statement=statement).count() == 4
    assert statements.statements_build("month", *_period()) == []


def test_a_fee_line_written_late_for_last_period_goes_on_the_next_statement():
    """FIN-03: a shipment's fee lines written after last month's statements were built (dated
    last month, unbilled) are billed on this month's statement instead of never: 3 lines of
    23.00, total 69.00 read back from the lines, and the statement's history row records that
    total."""
    import datetime as dt

    partner, _ = contract(None, account={"credit_limit": D("100000")})
    late, *_ = _shipped(partner, 3)
    start, _end = _period()
    last_month = timezone.make_aware(dt.datetime.combine(start, dt.time.min)) - dt.timedelta(
        hours=1
    )
    ShipmentFeeLine.objects.filter(shipment=late).update(created_at=last_month)
    statement = Statement.objects.get(pk__in=statements.statements_build("month", *_period()))
    assert statement.line_count == 3 and statement.total == D("69.00")
    assert sum(x.amount for x in statement.lines.all()) == D("69.00")
    assert statement.lines.filter(shipment=late).exists()
    assert ShipmentFeeLine.objects.filter(statement__isnull=True).count() == 0
    assert statement.history.get().total == D("69.00")


def test_a_cancelled_shipment_is_not_billed():
    """FIN-03, FIN-01: a shipment priced at intake and cancelled before it left is not on the
    statement: 2 of 3 shipments billed, 46.00; the cancelled one's fee lines stay unbilled."""
    from courier.shipments.models import Shipment

    partner, _ = contract(None, account={"credit_limit": D("100000")})
    cancelled, *_ = _shipped(partner, 3)
    Shipment.objects.filter(pk=cancelled.pk).update(state="cancelled")
    statement = Statement.objects.get(pk__in=statements.statements_build("month", *_period()))
    assert (statement.line_count, statement.total) == (2, D("46.00"))
    assert not statement.lines.filter(shipment=cancelled).exists()
    assert ShipmentFeeLine.objects.filter(shipment=cancelled, statement__isnull=True).count() == 2


def test_issue_confirm_charge_settle_close():
    """FIN-03: draft → issued (webhook, if the platform registers ``statement.issued``) →
    confirmed (charge of 46.00 on the ledger, payable by the due date) → a payment of 46.00
    settles it → closed. Exposure stays 46.00 throughout (unbilled, then charged)."""
    statement, _ = built()
    partner = statement.partner
    fin = finance_user()
    assert ledger.partner_exposure(partner) == D("46.00")
    with pytest.raises(FinanceRefused):
        statements.statement_issue(statement, user=UserFactory())
    statements.statement_issue(statement, user=fin)
    statement.refresh_from_db()
    assert statement.state == "issued" and statement.confirm_by is not None
    with pytest.raises(FinanceRefused):  # another partner's statement
        statements.statement_confirm(statement, user=fin, partner=contract()[0])
    statements.statement_confirm(statement, user=partner.service_user, partner=partner)
    statement.refresh_from_db()
    assert statement.state == "confirmed" and statement.due_on is not None
    charge = LedgerEntry.objects.get(statement=statement, kind="charge")
    assert charge.amount == D("46.00")
    assert ledger.partner_exposure(partner) == D("46.00")
    with pytest.raises(FinanceConflict) as exc:
        statements.statement_settle(statement, user=fin)
    assert exc.value.error_code == "unpaid"
    ledger.ledger_post(partner, "top_up", D("46"), user=fin, reason="付款")
    statements.statement_settle(statement, user=fin)
    statements.statement_close(statement, user=fin)
    statement.refresh_from_db()
    assert statement.state == "closed"
    assert ledger.partner_exposure(partner) == D("0.00")
    assert [h.state for h in statement.history.order_by("history_id")][-4:] == [
        "issued",
        "confirmed",
        "settled",
        "closed",
    ]


def test_issue_emits_the_signed_webhook(monkeypatch):
    """FIN-03: when ``statement.issued`` is a platform event type, issuing writes the outbox row
    for the partner."""
    from courier.core.models import webhooks

    monkeypatch.setitem(webhooks.WEBHOOK_EVENT_TYPES, "statement.issued", "Statement issued")
    statement, _ = built()
    WebhookEndpoint.objects.create(partner=statement.partner, url="https://example.com/hook")
    statements.statement_issue(statement, user=finance_user())
    event = WebhookEvent.objects.get(partner=statement.partner, event_type="statement.issued")
    assert event.payload["number"] == statement.number and event.payload["total"] == "46.00"


def test_dispute_upheld_credit_note_and_reissue():
    """FIN-04: the partner disputes line 1 (theirs 20.00, ours 23.00): the dispute (due in 7
    days, finance responsible) blocks confirmation; a manager upholds it → a 3.00 credit note
    on the ledger; the statement is reissued as version 2: the same two lines plus the note
    (−3.00), total 43.00, issued. Confirming v2 charges the 46.00 of shipments; the ledger
    nets to 43.00."""
    statement, _ = built()
    partner, fin, boss = statement.partner, finance_user(), manager_user()
    statements.statement_issue(statement, user=fin)
    line = statement.lines.get(number=1)
    dispute = statements.statement_dispute(
        statement,
        user=partner.service_user,
        line=line,
        their_amount=D("20.00"),
        reason="重量应为 3.2kg",
        partner=partner,
    )
    assert dispute.disputed_amount == D("3.00") and dispute.responsible_role == "finance"
    assert (dispute.due_at - timezone.now()).days == 6  # 7 days less the seconds elapsed
    statement.refresh_from_db()
    assert statement.state == "disputed"
    with pytest.raises(FinanceConflict):
        statements.statement_confirm(statement, user=fin)
    with pytest.raises(FinanceConflict) as exc:
        statements.statement_reissue(statement, user=fin)
    assert exc.value.error_code == "disputes_open"
    with pytest.raises(FinanceRefused):
        statements.dispute_resolve(dispute, user=fin, outcome="upheld", resolution="x")
    statements.dispute_resolve(dispute, user=boss, outcome="upheld", resolution="复磅确认")
    note = LedgerEntry.objects.get(dispute=dispute)
    assert (note.kind, note.amount) == ("credit_note", D("-3.00"))
    v2 = statements.statement_reissue(statement, user=fin)
    statement.refresh_from_db()
    assert statement.state == "superseded" and v2.previous_id == statement.pk
    assert (v2.version, v2.state, v2.total) == (2, "issued", D("43.00"))
    assert v2.number.endswith("-v2")
    assert [x.amount for x in v2.lines.order_by("number")] == [D("23.00"), D("23.00"), D("-3.00")]
    assert ShipmentFeeLine.objects.filter(statement=v2).count() == 4
    statements.statement_confirm(v2, user=partner.service_user, partner=partner)
    assert ledger.partner_balance(partner) == D("43.00")


def test_dispute_split_and_rejected_and_debit():
    """FIN-04: a split grants part (1.00 of 3.00) as a credit note; a rejected dispute posts
    nothing; a partner who says we charged too little (theirs 25.00, ours 23.00) gets a debit
    note of 2.00 when upheld."""
    statement, _ = built(n=3)
    fin, boss = finance_user(), manager_user()
    statements.statement_issue(statement, user=fin)
    l1, l2, l3 = statement.lines.order_by("number")
    d1 = statements.statement_dispute(
        statement, user=fin, line=l1, their_amount=D("20"), reason="a"
    )
    d2 = statements.statement_dispute(
        statement, user=fin, line=l2, their_amount=D("20"), reason="b"
    )
    d3 = statements.statement_dispute(
        statement, user=fin, line=l3, their_amount=D("25"), reason="c"
    )
    with pytest.raises(FinanceInvalid) as exc:
        statements.dispute_resolve(d1, user=boss, outcome="split", granted=D("3"), resolution="x")
    assert "granted" in exc.value.message_dict
    statements.dispute_resolve(d1, user=boss, outcome="split", granted=D("1"), resolution="各半")
    statements.dispute_resolve(d2, user=boss, outcome="rejected", resolution="称重无误")
    statements.dispute_resolve(d3, user=boss, outcome="upheld", resolution="漏计")
    notes = sorted(LedgerEntry.objects.filter(statement=statement).values_list("kind", "amount"))
    assert notes == [("credit_note", D("-1.00")), ("debit_note", D("2.00"))]
    with pytest.raises(FinanceConflict):
        statements.statement_dispute(
            statement, user=fin, line=l1, their_amount=D("1"), reason="again"
        )


def test_partner_cannot_touch_another_partners_statement():
    """FIN-03 bad input: a partner confirming or disputing another partner's statement is
    refused and nothing changes."""
    statement, _ = built()
    statements.statement_issue(statement, user=finance_user())
    intruder, _ = contract()
    with pytest.raises(FinanceRefused):
        statements.statement_dispute(
            statement, user=intruder.service_user, reason="x", partner=intruder
        )
    statement.refresh_from_db()
    assert statement.state == "issued" and not statement.disputes.exists()


def _csv(rows, header="waybill_number,weight_kg,amount"):
    body = "\n".join([header, *rows]).encode()
    return SimpleUploadedFile("theirs.csv", body, content_type="text/csv")


def test_reconcile_against_partner_figures():
    """FIN-03: the partner's file: line 1 as ours (matched), line 2 at 22.00 (amount mismatch),
    line 3 at 4.5 kg (weight mismatch), an extra waybill (missing on our side); our line 4
    is not in it (missing on theirs). Mismatches are open items followed up until closed."""
    statement, shipments = built(n=4)
    fin = finance_user()
    statements.statement_issue(statement, user=fin)
    w = [s.waybill_number for s in shipments]
    counts = statements.statement_reconcile(
        statement,
        _csv(
            [
                f"{w[0]},4.000,23.00",
                f"{w[1]},4.000,22.00",
                f"{w[2]},4.5,23.00",
                "999999999999,1,5",
            ]
        ),
        user=fin,
    )
    assert counts == {
        "matched": 1,
        "amount_mismatch": 1,
        "weight_mismatch": 1,
        "missing_ours": 1,
        "missing_theirs": 1,
    }
    items = {i.waybill_number: i for i in statement.reconciliation_items.all()}
    assert items[w[0]].is_open is False and items[w[1]].is_open is True
    assert items[w[1]].their_amount == D("22.00") and items[w[1]].our_amount == D("23.00")
    closed = statements.reconciliation_item_close(items[w[1]], user=fin, follow_up="对方漏计保价")
    assert closed.is_open is False and closed.closed_by == fin


@pytest.mark.parametrize(
    ("rows", "header", "match"),
    [
        (["A,1,2", "A,1,2"], "waybill_number,weight_kg,amount", "appears twice"),
        (["A,1,x"], "waybill_number,weight_kg,amount", "not a number"),
        (["A,1,2"], "waybill_number,amount", "missing columns: weight_kg"),
        (["A,1,2,3"], "waybill_number,weight_kg,amount,colour", "unknown columns: colour"),
    ],
)
def test_reconcile_bad_files_refused_whole(rows, header, match):
    """FIN-03 bad input: unknown or duplicate lines and unreadable numbers refuse the file,
    naming the line or column; nothing is half-applied."""
    statement, _ = built(n=1)
    statements.statement_issue(statement, user=finance_user())
    with pytest.raises(FinanceInvalid, match=match):
        statements.statement_reconcile(statement, _csv(rows, header), user=finance_user())
    assert not ReconciliationItem.objects.exists()


def test_reconcile_excel_and_export():
    """FIN-03 (issue 15, item 7): the partner's figures may come as Excel; our statement exports
    to Excel with amounts as numbers."""
    statement, shipments = built(n=1)
    fin = finance_user()
    statements.statement_issue(statement, user=fin)
    book = openpyxl.Workbook()
    book.active.append(["waybill_number", "weight_kg", "amount"])
    book.active.append([shipments[0].waybill_number, 4, 23])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("theirs.xlsx", out.getvalue())
    assert statements.statement_reconcile(statement, upload, user=fin) == {"matched": 1}
    sheet = openpyxl.load_workbook(io.BytesIO(statement_xlsx(statement))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == statement.number
    assert rows[3][1] == shipments[0].waybill_number and rows[3][4] == 23
    assert rows[-1][4] == 23


def test_station_month_end_audit():
    """FIN-03 (002, duty 7): the consignment station's month-end audit lists each parcel it
    received with its freight and whether the signed receipt is back; one without a receipt
    is an anomaly reported to the CS supervisor."""
    from django.contrib.auth.models import Group

    from courier.core.models import Notification
    from courier.shipments.models import StationScan

    partner, _ = contract(account={"credit_limit": D("100000")})
    station = StationFactory()
    a, b = _shipped(partner, 2)
    for s in (a, b):
        StationScan.objects.create(
            shipment=s,
            station=station,
            direction="inbound",
            intact=True,
            weight_kg=D("3.2"),
            shelf_location="A1",
            source="上海",
            scanned_at=timezone.now(),
            scanned_by=UserFactory(),
        )
    a.delivered_at = timezone.now()
    a.save(update_fields=["delivered_at"])
    sup = UserFactory()
    sup.groups.add(Group.objects.get_or_create(name="supervisor")[0])
    statement = statements.station_statement_build(station, *_period(), user=finance_user())
    lines = {x.waybill_number: x for x in statement.lines.all()}
    assert lines[a.waybill_number].receipt_signed is True
    assert lines[b.waybill_number].receipt_signed is False
    assert statement.total == D("46.00") and statement.partner is None
    notice = Notification.objects.get(recipient=sup)
    assert b.waybill_number in notice.body and a.waybill_number not in notice.body
    with pytest.raises(FinanceConflict):
        statements.station_statement_build(station, *_period(), user=finance_user())


def _bank(rows, header="bank_id,booked_on,amount,payer_name,reference"):
    return SimpleUploadedFile("bank.csv", "\n".join([header, *rows]).encode())


def test_bank_import_matches_statements_and_prepayments():
    """FIN-05: a bank line with the statement number and its open 46.00 pays it (top-up
    allocated to the charge); a bank-transfer customer's line naming its partner code is a
    prepayment; an unknown line waits in the unmatched queue; re-importing skips known ids;
    a matched line cannot be matched again."""
    statement, _ = built()
    partner, fin = statement.partner, finance_user()
    statements.statement_issue(statement, user=fin)
    statements.statement_confirm(statement, user=fin)
    BankTransferCustomer.objects.create(partner=partner, account_name="深圳某某公司")
    rows = [
        f"B1,2026-11-30,46.00,深圳某某公司,货款 {statement.number}",
        f"B2,2026-11-30,500.00,深圳某某公司,预付 {partner.code}",
        "B3,2026-11-30,12.00,张三,不明",
    ]
    counts = bank.bank_statement_import(_bank(rows), user=fin)
    assert counts == {"imported": 3, "skipped": 0, "matched": 2, "unmatched": 1}
    assert statements.statement_outstanding(statement) == D("0.00")
    b2 = BankTransaction.objects.get(bank_id="B2")
    assert b2.ledger_entry.purpose == "freight" and b2.ledger_entry.amount == D("-500.00")
    assert bank.bank_statement_import(_bank(rows), user=fin)["skipped"] == 3
    with pytest.raises(FinanceConflict) as exc:
        bank.bank_transaction_assign(b2, user=fin, partner=partner)
    assert exc.value.error_code == "already_matched"
    b3 = BankTransaction.objects.get(bank_id="B3")
    bank.bank_transaction_assign(b3, user=fin, partner=partner)
    assert ledger.partner_balance(partner) == D("-512.00")
    with pytest.raises(FinanceInvalid, match="appears twice"):
        bank.bank_statement_import(_bank(["X,2026-11-30,1,a,b", "X,2026-11-30,1,a,b"]), user=fin)
    assert not BankTransaction.objects.filter(bank_id="X").exists()


def test_issued_statement_is_stored_as_a_report_run(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    """FIN-03: issuing stores the statement as an immutable report run (its lines as CSV with
    SHA-256), linked to the statement; a second export returns the same run."""
    from courier.core.reports import report_run_rows
    from courier.finance.services.exports import statement_export_store

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    statement, shipments = built(n=1)
    with django_capture_on_commit_callbacks(execute=True):
        statements.statement_issue(statement, user=finance_user())
    statement.refresh_from_db()
    run = statement.report_run
    assert run is not None and run.report == "finance.statement" and run.row_count == 1
    header, rows = report_run_rows(run)
    assert rows[0][1] == shipments[0].waybill_number and rows[0][4] == "23.00"
    assert statement_export_store(statement.pk).pk == run.pk


def test_demo_seed():
    """FIN-01..03 demo: a partner with a fee schedule, a prepayment balance and an issued
    statement (the default schedule prices road 上海 → 广东, 4.0 kg: 12 + 6 × 2.50 = 27.00,
    plus 6.00 insurance)."""
    from courier.finance.services.demo import finance_demo_seed
    from tests.factories import PartnerFactory

    partner = PartnerFactory()
    shipment = ShipmentFactory(
        order=OrderFactory(
            partner=partner,
            sender_province="上海市",
            recipient_province="广东省",
            weight_kg=D("3.2"),
            volume_m3=D("0.024"),
            transport_mode="road",
        )
    )
    admin = UserFactory(is_superuser=True)
    statement = finance_demo_seed(partner, [shipment], user=admin)
    assert statement.state == "issued" and statement.total == D("33.00")
    assert ledger.partner_balance(partner) == D("-2000.00")
    assert finance_demo_seed(partner, [shipment], user=admin).pk == statement.pk
