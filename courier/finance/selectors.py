"""Reads of the finance domain for a screen or an endpoint."""

import datetime
from decimal import Decimal

from django.db.models import Prefetch, Sum

from courier.finance import money, rules
from courier.finance.models import (
    BankTransferOrder,
    FinanceSettings,
    LedgerAllocation,
    LedgerEntry,
    ShipmentFeeLine,
    Statement,
    StatementLine,
)

STATEMENT_COLUMNS = ["line", "waybill_number", "description", "weight_kg", "amount", "answer"]


def statements_listing():
    """Partner statements for the API list: one query per page."""
    return Statement.objects.filter(partner__isnull=False).exclude(state="draft")


def statement_detail_queryset():
    """A statement with its lines: two queries, whatever the lines."""
    return statements_listing().prefetch_related(
        Prefetch("lines", queryset=StatementLine.objects.order_by("number"))
    )


def statement_lines_listing():
    return StatementLine.objects.select_related("statement").exclude(statement__state="draft")


def ledger_listing():
    return LedgerEntry.objects.all()


def shipment_fee_lines(shipment_id: int):
    return ShipmentFeeLine.objects.filter(shipment_id=shipment_id).order_by("id")


def statement_rows(statement: Statement) -> list[list]:
    """The rows of a statement's print view and export (line, waybill, …, answer)."""
    return [
        [
            line.number,
            line.waybill_number,
            line.description,
            line.weight_kg,
            line.amount,
            line.get_partner_state_display(),
        ]
        for line in statement.lines.order_by("number")
    ]


def receivables_ageing(as_of: datetime.date | None = None) -> list[dict]:
    """FIN-03: per partner, what is owed on the ledger and not yet paid, by days overdue
    (buckets from the finance settings). A charge is due on its statement's due date (else the
    day it was posted). Three queries, whatever the number of partners or entries."""
    from django.utils import timezone

    as_of = as_of or timezone.localdate()
    bounds = FinanceSettings.current().bucket_bounds()
    paid = {
        row["charge_id"]: row["s"]
        for row in LedgerAllocation.objects.values("charge_id").annotate(s=Sum("amount"))
    }
    rows: dict[int, dict] = {}
    entries = (
        LedgerEntry.objects.filter(amount__gt=0)
        .select_related("partner", "statement")
        .order_by("partner__code", "created_at")
    )
    for entry in entries:
        open_ = entry.amount - paid.get(entry.pk, Decimal(0))
        if open_ <= 0:
            continue
        due = (
            entry.statement.due_on
            if entry.statement_id and entry.statement.due_on
            else timezone.localtime(entry.created_at).date()
        )
        bucket = rules.ageing_bucket(due, as_of, bounds)
        row = rows.setdefault(
            entry.partner_id,
            {"partner": entry.partner, "total": money.ZERO, "buckets": {}},
        )
        row["buckets"][bucket] = row["buckets"].get(bucket, money.ZERO) + open_
        row["total"] += open_
    return list(rows.values())


def ageing_bucket_names() -> list[str]:
    bounds = FinanceSettings.current().bucket_bounds()
    names, low = ["current"], 1
    for upper in bounds:
        names.append(f"{low}-{upper}")
        low = upper + 1
    names.append(f">{low - 1}")
    return names


def bank_transfer_orders_awaiting():
    """FIN-05: the register's orders still waiting for their transfer, oldest due first."""
    return (
        BankTransferOrder.objects.filter(state="awaiting")
        .select_related("customer", "partner")
        .order_by("due_on", "id")
    )


def bank_transfer_orders_overdue(as_of: datetime.date | None = None):
    """FIN-05: awaiting orders whose transfer was due before ``as_of`` (today): finance's
    list to chase. One query."""
    from django.utils import timezone

    return bank_transfer_orders_awaiting().filter(due_on__lt=as_of or timezone.localdate())


def retention_holds(order_ids: list[int]) -> dict[int, str]:
    """DLV-06: orders with a shipment on a statement line under an open dispute (a hold
    provider registered with ``courier.shipments.services.holds``)."""
    from courier.finance.models import StatementDispute

    rows = (
        StatementDispute.objects.filter(state="open", line__shipment__order_id__in=order_ids)
        .values_list("line__shipment__order_id", flat=True)
        .distinct()
    )
    return dict.fromkeys(rows, "open statement dispute")


def fee_lines_in_order():
    """FIN-01: fee lines in the order they were written (a shipment's prefetch of ``fee_lines``)."""
    return ShipmentFeeLine.objects.order_by("id")
