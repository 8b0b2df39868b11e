"""``make demo`` data for finance (called by ``seed_demo``, which the lead owns): the partner
gets a finance account, a prepayment, fee snapshots of its shipments and an issued statement
of the current month. Safe to run twice."""

from decimal import Decimal

from django.utils import timezone

from courier.finance import rules
from courier.finance.models import LedgerEntry, PartnerAccount, Statement
from courier.finance.services.fees import shipment_fees_snapshot
from courier.finance.services.ledger import ledger_post
from courier.finance.services.statements import statement_issue, statements_build


def finance_demo_account(partner) -> PartnerAccount:
    """The partner's finance account with its credit limit, before its shipments are taken in:
    a shipment is priced and credit-checked at intake, and one over the limit is held."""
    account, _ = PartnerAccount.objects.get_or_create(
        partner=partner, defaults={"credit_limit": Decimal("50000"), "statement_period": "month"}
    )
    return account


def finance_demo_seed(partner, shipments, *, user) -> Statement | None:
    """``user`` holds the finance permissions (a superuser in the demo)."""
    finance_demo_account(partner)
    if not LedgerEntry.objects.filter(partner=partner, kind="top_up").exists():
        ledger_post(
            partner,
            "top_up",
            Decimal("2000"),
            user=user,
            reason="演示预付款",
            purpose="freight",
            reference="DEMO",
        )
    for shipment in shipments:
        shipment_fees_snapshot(shipment, user=user, declared_value=Decimal("2000"))
    start, end = rules.period_bounds("month", timezone.localdate())
    statements_build("month", start, end, user=user, partner_ids=[partner.pk])
    statement = Statement.objects.filter(partner=partner, period_start=start).first()
    if statement is not None and statement.state == "draft":
        statement = statement_issue(statement, user=user)
    return statement
