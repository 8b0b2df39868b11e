"""FIN-01..05 platform links: the finance API scopes, the signed ``statement.issued`` webhook
through the outbox, and the bank-transfer register's orders followed to payment (FIN-05)."""

import datetime
import json
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courier.core.models import (
    API_SCOPES,
    WEBHOOK_EVENT_TYPES,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from courier.finance.errors import FinanceConflict, FinanceInvalid
from courier.finance.models import BankTransaction, BankTransferCustomer, BankTransferOrder
from courier.finance.selectors import bank_transfer_orders_overdue
from courier.finance.services import bank, ledger, statements
from courier.finance.tasks import statement_export
from tests.courier.factories import OrderFactory, ShipmentFactory
from tests.finance.factories import contract
from tests.finance.helpers import finance_user
from tests.finance.test_api import QUOTE, post
from tests.finance.test_statements import built

pytestmark = pytest.mark.django_db


# --- scopes ----------------------------------------------------------------------------------


def test_finance_scopes_in_the_catalogue_and_enforced(key_client):
    """FIN-01/02/03 (API-02): ``finance:read`` lets a key quote and read statements and the
    ledger, ``finance:write`` confirm or dispute; a key with only the shipments scopes gets
    403 insufficient_scope on every finance endpoint."""
    assert {"finance:read", "finance:write"} <= set(API_SCOPES)
    statement, _ = built()
    statements.statement_issue(statement, user=finance_user())
    partner, number = statement.partner, statement.number
    calls = [
        ("post", "/api/v1/quotes/", QUOTE, "finance:read"),
        ("get", "/api/v1/statements/", None, "finance:read"),
        ("get", f"/api/v1/statements/{number}/", None, "finance:read"),
        ("get", "/api/v1/ledger/", None, "finance:read"),
        ("post", f"/api/v1/statements/{number}/confirm/", {"lines": [1]}, "finance:write"),
        ("post", f"/api/v1/statements/{number}/dispute/", {"reason": "x"}, "finance:write"),
    ]
    shipments_only = key_client(partner, scopes=["shipments:read", "shipments:write"])
    reader = key_client(partner, scopes=["finance:read"])
    writer = key_client(partner, scopes=["finance:write"])
    for method, url, body, scope in calls:
        for client, allowed in (
            (shipments_only, False),
            (reader, scope == "finance:read"),
            (writer, scope == "finance:write"),
        ):
            response = client.get(url) if method == "get" else post(client, url, body)
            if allowed:
                assert response.status_code in (200, 201), (url, response.content)
            else:
                assert (response.status_code, response.json()["code"]) == (
                    403,
                    "insufficient_scope",
                ), url


def test_existing_keys_keep_their_finance_operations(make_key):
    """FIN-03 (API-02): the migration gives every key carrying ``shipments:read`` /
    ``shipments:write`` the matching finance scope (what the finance endpoints asked for
    before), and nothing to other keys."""
    import importlib

    from django.apps import apps

    from courier.core.models import PartnerAPIKey

    migration = importlib.import_module("courier.migrations.0012_finance_api_scopes")
    both, _ = make_key(scopes=["shipments:read", "shipments:write"])
    reader, _ = make_key(scopes=["shipments:read", "complaints:read"])
    other, _ = make_key(scopes=["events:write"])
    migration.grant(apps, None)
    scopes = {k.pk: k.scopes for k in PartnerAPIKey.objects.all()}
    assert scopes[both.pk] == [
        "finance:read",
        "finance:write",
        "shipments:read",
        "shipments:write",
    ]
    assert scopes[reader.pk] == ["complaints:read", "finance:read", "shipments:read"]
    assert scopes[other.pk] == ["events:write"]


# --- statement.issued ------------------------------------------------------------------------


def test_statement_issued_webhook_signed_through_the_outbox(
    monkeypatch, django_capture_on_commit_callbacks
):
    """FIN-03: ``statement.issued`` is a platform event type; issuing writes the event and one
    delivery per subscribed endpoint in the issuing transaction and queues the signed delivery
    and the stored export after commit. With the broker down the issue still commits and the
    export sweep queues the export later."""
    from courier.core.services import webhooks

    assert "statement.issued" in WEBHOOK_EVENT_TYPES
    statement, _ = built()
    WebhookEndpoint.objects.create(
        partner=statement.partner, url="https://example.com/hook", event_types=["statement.issued"]
    )

    def down(*a, **kw):
        raise ConnectionError("broker down")

    queued = []
    monkeypatch.setattr(webhooks, "_queue", lambda ids: queued.append(ids))
    monkeypatch.setattr(statement_export, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        statements.statement_issue(statement, user=finance_user())
    event = WebhookEvent.objects.get(partner=statement.partner, event_type="statement.issued")
    assert event.payload["number"] == statement.number and event.payload["total"] == "46.00"
    delivery = WebhookDelivery.objects.get(event=event)
    assert queued == [[delivery.pk]]
    statement.refresh_from_db()
    assert statement.state == "issued" and statement.report_run_id is None
    sent = []
    monkeypatch.setattr(statement_export, "apply_async", lambda args=(), **kw: sent.append(args))
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert statements.statement_exports_sweep(now=later) == 1
    assert sent == [(statement.pk,)]
    # The delivery is signed in the Standard Webhooks format.
    headers = webhooks.webhook_signature_headers(
        delivery.endpoint, "msg_test", event.created_at, json.dumps(event.payload)
    )
    assert headers["webhook-signature"].startswith("v1,")


# --- FIN-05: the bank-transfer register ------------------------------------------------------


def _bank(rows):
    header = "bank_id,booked_on,amount,payer_name,reference"
    return SimpleUploadedFile("bank.csv", "\n".join([header, *rows]).encode())


def test_transfer_orders_followed_to_payment():
    """FIN-05: a bank-transfer customer's order is registered awaiting 120.00 by 2026-11-20;
    on 2026-12-01 it is overdue (finance's list); a bank line of 119.00 naming the waybill does
    not pay it (amount differs: unmatched), one of 120.00 does: the order is paid with the bank
    line linked and the 120.00 is the partner's prepayment on the ledger; no longer overdue."""
    partner, _ = contract(account={"credit_limit": D("1000")})
    fin = finance_user()
    customer = BankTransferCustomer.objects.create(partner=partner, account_name="广州某公司")
    shipment = ShipmentFactory(order=OrderFactory(partner=partner))
    order = bank.bank_transfer_order_register(
        customer, shipment, user=fin, amount=D("120"), due_on=datetime.date(2026, 11, 20)
    )
    assert order.state == "awaiting" and order.amount == D("120.00")
    assert list(bank_transfer_orders_overdue(datetime.date(2026, 12, 1))) == [order]
    assert list(bank_transfer_orders_overdue(datetime.date(2026, 11, 20))) == []
    w = shipment.waybill_number
    counts = bank.bank_statement_import(
        _bank(
            [
                f"T1,2026-12-01,119.00,广州某公司,运单 {w}",
                f"T2,2026-12-01,120.00,广州某公司,运单 {w}",
            ]
        ),
        user=fin,
    )
    assert counts == {"imported": 2, "skipped": 0, "matched": 1, "unmatched": 1}
    order.refresh_from_db()
    t2 = BankTransaction.objects.get(bank_id="T2")
    assert (order.state, order.bank_transaction) == ("paid", t2)
    assert t2.ledger_entry.amount == D("-120.00") and t2.ledger_entry.purpose == "freight"
    assert ledger.partner_balance(partner) == D("-120.00")
    assert list(bank_transfer_orders_overdue(datetime.date(2026, 12, 1))) == []
    assert BankTransaction.objects.get(bank_id="T1").state == "unmatched"


def test_transfer_order_bad_input_and_manual_match():
    """FIN-05 bad input: another partner's shipment (names ``shipment``), a zero amount (names
    ``amount``), the same shipment twice (``already_registered``) are refused and nothing is
    written; finance matches a queued bank line to an awaiting order by hand; a paid order is
    neither matched again nor taken off the register."""
    partner, _ = contract(account={"credit_limit": D("1000")})
    other, _ = contract()
    fin = finance_user()
    customer = BankTransferCustomer.objects.create(partner=partner, account_name="甲")
    mine = ShipmentFactory(order=OrderFactory(partner=partner))
    theirs = ShipmentFactory(order=OrderFactory(partner=other))
    due = datetime.date(2026, 12, 31)
    with pytest.raises(FinanceInvalid) as exc:
        bank.bank_transfer_order_register(customer, theirs, user=fin, amount=D("5"), due_on=due)
    assert "shipment" in exc.value.message_dict
    with pytest.raises(FinanceInvalid) as exc:
        bank.bank_transfer_order_register(customer, mine, user=fin, amount=D("0"), due_on=due)
    assert "amount" in exc.value.message_dict
    assert not BankTransferOrder.objects.exists()
    order = bank.bank_transfer_order_register(customer, mine, user=fin, amount=D("5"), due_on=due)
    with pytest.raises(FinanceInvalid) as exc:
        bank.bank_transfer_order_register(customer, mine, user=fin, amount=D("5"), due_on=due)
    assert exc.value.code == "already_registered"
    bank.bank_statement_import(_bank(["M1,2026-12-01,5.00,乙,转账"]), user=fin)
    txn = BankTransaction.objects.get(bank_id="M1")
    bank.bank_transaction_assign(txn, user=fin, transfer_order=order)
    order.refresh_from_db()
    assert order.state == "paid" and order.bank_transaction == txn
    with pytest.raises(FinanceConflict):
        bank.bank_transfer_order_cancel(order, user=fin, reason="x")
    bank.bank_statement_import(_bank(["M2,2026-12-01,5.00,乙,转账"]), user=fin)
    with pytest.raises(FinanceInvalid):
        bank.bank_transaction_assign(
            BankTransaction.objects.get(bank_id="M2"), user=fin, transfer_order=order
        )


def test_transfer_orders_admin_overdue_filter(client):
    """FIN-05: finance sees the register's orders in the admin; the overdue filter lists only
    awaiting orders past their due date."""
    partner, _ = contract()
    fin = finance_user()
    customer = BankTransferCustomer.objects.create(partner=partner, account_name="丙")
    late = ShipmentFactory(order=OrderFactory(partner=partner))
    fine = ShipmentFactory(order=OrderFactory(partner=partner))
    today = timezone.localdate()
    bank.bank_transfer_order_register(
        customer, late, user=fin, amount=D("1"), due_on=today - datetime.timedelta(days=3)
    )
    bank.bank_transfer_order_register(
        customer, fine, user=fin, amount=D("1"), due_on=today + datetime.timedelta(days=3)
    )
    fin.is_staff = True
    fin.save()
    client.force_login(fin)
    page = client.get("/admin/courier/banktransferorder/?overdue=yes")
    assert page.status_code == 200
    body = page.content.decode()
    assert late.waybill_number in body and fine.waybill_number not in body
