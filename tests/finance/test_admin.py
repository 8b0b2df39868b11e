"""FIN-01..05 admin: finance keeps, managers view and decide; print view, Excel, ageing."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from courier.finance.models import LedgerEntry
from courier.finance.services import ledger, statements
from tests.factories import UserFactory
from tests.finance.helpers import finance_user, manager_user
from tests.finance.test_statements import built

pytestmark = pytest.mark.django_db


def login(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_pages_for_finance_and_managers():
    """FIN-03 (issue 15, item 7): finance sees the statement list, its print view (Chinese),
    its Excel file and the receivables ageing; a user without the finance permissions gets none
    of them."""
    statement, _ = built()
    fin = finance_user()
    fin.is_staff = True
    fin.save()
    statements.statement_issue(statement, user=fin)
    statements.statement_confirm(statement, user=fin)
    client = login(fin)
    assert client.get(reverse("admin:courier_statement_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:courier_statement_change", args=[statement.pk])).status_code
        == 200
    )
    page = client.get(reverse("admin:courier_statement_print", args=[statement.pk]))
    assert page.status_code == 200 and statement.number in page.content.decode()
    assert "对账单" in page.content.decode() or "Statement" in page.content.decode()
    xlsx = client.get(reverse("admin:courier_statement_xlsx", args=[statement.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    ageing = client.get(reverse("admin:courier_statement_ageing"))
    assert ageing.status_code == 200 and "46.00" in ageing.content.decode()
    for name in (
        "feescheduleversion",
        "ledgerentry",
        "partneraccount",
        "banktransaction",
        "credithold",
        "statementdispute",
        "financesettings",
    ):
        assert client.get(reverse(f"admin:courier_{name}_changelist")).status_code == 200, name
    outsider = login(UserFactory(is_staff=True))
    assert (
        outsider.get(reverse("admin:courier_statement_print", args=[statement.pk])).status_code
        == 403
    )
    assert outsider.get(reverse("admin:courier_statement_changelist")).status_code == 403
    boss = manager_user()
    boss.is_staff = True
    boss.save()
    assert login(boss).get(reverse("admin:courier_statement_ageing")).status_code == 200


def test_post_and_reverse_through_the_admin_kit():
    """FIN-02: finance posts a top-up from the account page and reverses it from the entry's
    page; each through its service, logged."""
    statement, _ = built()
    fin = finance_user()
    fin.is_staff = True
    fin.save()
    client = login(fin)
    account = statement.partner.finance_account
    url = reverse("admin:courier_partneraccount_service_action", args=[account.pk, "post"])
    r = client.post(
        url,
        {
            "kind": "top_up",
            "amount": "100.00",
            "purpose": "deposit",
            "reference": "B-1",
            "reason": "定金",
        },
    )
    assert r.status_code == 302
    entry = LedgerEntry.objects.get(partner=statement.partner, kind="top_up")
    assert entry.amount == D("-100.00") and entry.created_by == fin
    url = reverse("admin:courier_ledgerentry_service_action", args=[entry.pk, "reverse"])
    assert client.post(url, {"reason": "重复录入"}).status_code == 302
    assert ledger.partner_balance(statement.partner) == D("0.00")
