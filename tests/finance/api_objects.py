"""Partner-owned objects of the finance API for the security matrix (tests/api_registry.py)."""

from decimal import Decimal

from courier.finance.models import LedgerEntry, Statement, StatementLine
from tests.api_registry import partner_object


@partner_object("courier.Statement", paths=["statements/{number}"])
def statement(partner):
    """An issued statement of ``partner`` with one line, and a ledger entry (for the list)."""
    from django.utils import timezone

    count = Statement.objects.filter(partner=partner).count()
    row = Statement.objects.create(
        number=f"ST-{partner.code}-202611-v{count + 1}",
        partner=partner,
        period_kind="month",
        period_start=timezone.localdate().replace(day=1),
        period_end=timezone.localdate().replace(day=1),
        version=count + 1,
        total=Decimal("23.00"),
        line_count=1,
        data_as_of=timezone.now(),
    )
    Statement.objects.filter(pk=row.pk).update(state="issued")
    StatementLine.objects.create(
        statement=row, number=1, waybill_number="100000000001", amount=Decimal("23.00")
    )
    LedgerEntry.objects.create(
        partner=partner,
        kind="top_up",
        amount=Decimal("-10.00"),
        reason="test",
        created_at=timezone.now(),
    )
    row.refresh_from_db()
    return row


@partner_object("courier.LedgerEntry", paths=["ledger/{id}"])
def ledger_entry(partner):
    """A ledger entry of ``partner``: the matrix's list check of ``/api/v1/ledger/`` (which has
    no detail path) uses it so that B's list is proven to omit A's entries, not just empty."""
    from django.utils import timezone

    return LedgerEntry.objects.create(
        partner=partner,
        kind="top_up",
        amount=Decimal("-5.00"),
        reason="matrix",
        created_at=timezone.now(),
    )
