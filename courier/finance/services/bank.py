"""FIN-05: bank-statement imports, matching to open statements and prepayments, the unmatched
queue."""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.finance import money, rules
from courier.finance.errors import FinanceConflict, FinanceInvalid
from courier.finance.models import (
    BankTransaction,
    BankTransferCustomer,
    BankTransferOrder,
    PartnerAccount,
    Statement,
)
from courier.finance.services.ledger import P_MANAGE, ledger_post, require
from courier.finance.services.statements import _number, statement_outstanding, table_rows

BANK_COLUMNS = ("bank_id", "booked_on", "amount")
BANK_OPTIONAL = ("payer_name", "reference")


def _match(txn: BankTransaction, *, user, statement=None, partner=None) -> BankTransaction:
    """Post the payment on the ledger (paying the statement's charge first) and mark it."""
    partner = statement.partner if statement is not None else partner
    entry = ledger_post(
        partner,
        "top_up",
        txn.amount,
        user=user,
        reason=_("Bank transfer %(id)s") % {"id": txn.bank_id},
        reference=(statement.number if statement is not None else txn.reference)[:100],
        statement=statement,
        purpose="" if statement is not None else "freight",
        check_permission=False,
    )
    txn.match()
    txn.statement, txn.ledger_entry = statement, entry
    txn.matched_by, txn.matched_at = user, timezone.now()
    txn._history_user = user
    txn.save(update_fields=["state", "statement", "ledger_entry", "matched_by", "matched_at"])
    return txn


def _order_paid(txn: BankTransaction, order: BankTransferOrder, *, user) -> BankTransaction:
    """FIN-05: the transfer of a registered order went through: the payment is the partner's
    prepayment on the ledger, and the order is paid with the bank line linked."""
    txn = _match(txn, user=user, partner=order.partner)
    locked = BankTransferOrder.objects.select_for_update().get(pk=order.pk)
    locked.pay()
    locked.bank_transaction, locked.paid_at = txn, timezone.now()
    locked._history_user = user
    locked._change_reason = f"bank {txn.bank_id}"[:100]
    locked.save(update_fields=["state", "bank_transaction", "paid_at"])
    return txn


def _order_candidates():
    for order in BankTransferOrder.objects.filter(state="awaiting").select_related("partner"):
        yield order, order.waybill_number, order.amount


def bank_transfer_order_register(customer, shipment, *, user, amount, due_on) -> BankTransferOrder:
    """FIN-05: enter a bank-transfer customer's order in the register: it is followed until a
    bank line naming its waybill with ``amount`` is imported. The shipment must be the
    customer's partner's, and an order is registered once."""
    require(user, P_MANAGE)
    errors = {}
    if shipment is None or shipment.partner_id != customer.partner_id:
        errors["shipment"] = _("This shipment is not this customer's.")
    try:
        value = money.round_line(amount)
    except (TypeError, ValueError, ArithmeticError):
        value = None
    if value is None or value <= 0:
        errors["amount"] = _("Enter a positive amount.")
    if not isinstance(due_on, datetime.date):
        errors["due_on"] = _("Enter a date.")
    if errors:
        raise FinanceInvalid(errors)
    with transaction.atomic():
        if BankTransferOrder.objects.filter(
            shipment=shipment, state__in=["awaiting", "paid"]
        ).exists():
            raise FinanceInvalid(
                {"shipment": _("This shipment is already in the register.")},
                code="already_registered",
            )
        order = BankTransferOrder(
            customer=customer,
            partner_id=customer.partner_id,
            shipment=shipment,
            waybill_number=shipment.waybill_number,
            amount=value,
            due_on=due_on,
            created_by=user,
        )
        order._history_user = user
        order.save()
        return order


def bank_transfer_order_cancel(order: BankTransferOrder, *, user, reason: str):
    """FIN-05: take an order off the register (the customer paid another way, the order was
    cancelled), saying why."""
    require(user, P_MANAGE)
    if not (reason or "").strip():
        raise FinanceInvalid({"reason": _("Say why.")})
    with transaction.atomic():
        locked = BankTransferOrder.objects.select_for_update().get(pk=order.pk)
        if locked.state != "awaiting":
            raise FinanceConflict(_("This order is not awaiting a transfer."))
        locked.cancel()
        locked._history_user = user
        locked._change_reason = reason[:100]
        locked.save(update_fields=["state"])
        return locked


def _candidates():
    for statement in Statement.objects.filter(state="confirmed", partner__isnull=False):
        yield statement, statement.number, statement_outstanding(statement)


def _prepayment_partner(txn: BankTransaction):
    """A bank-transfer customer's payment naming its partner code is a prepayment."""
    ref = (txn.reference or "").upper()
    names = {
        c.account_name: c.partner for c in BankTransferCustomer.objects.select_related("partner")
    }
    partner = names.get(txn.payer_name)
    if partner is not None and partner.code.upper() in ref:
        return partner
    return None


def bank_statement_import(upload, *, user) -> dict[str, int]:
    """FIN-05: import a bank statement (CSV/Excel: bank_id, booked_on, amount, payer_name,
    reference). Each transaction is unique by its bank id: one already imported is skipped; a
    file naming one twice, or with an unreadable line, is refused whole. New lines are matched
    by amount and reference to open statements, then to the register's orders awaiting a
    transfer (the reference names the waybill), then to prepayments of bank-transfer customers;
    the rest wait in the unmatched queue."""
    require(user, P_MANAGE)
    raw = upload.read()
    upload.seek(0)
    digest = hashlib.sha256(raw).hexdigest()
    parsed = {}
    for n, row in table_rows(upload, BANK_COLUMNS, BANK_OPTIONAL):
        bank_id = row["bank_id"].strip()
        if not bank_id:
            raise FinanceInvalid({"file": _("Line %(n)d: no bank id.") % {"n": n}})
        if bank_id in parsed:
            raise FinanceInvalid(
                {"file": _("Line %(n)d: bank id %(id)s appears twice.") % {"n": n, "id": bank_id}},
                code="duplicate_line",
            )
        try:
            booked = datetime.date.fromisoformat(row["booked_on"][:10])
        except ValueError:
            raise FinanceInvalid(
                {"file": _("Line %(n)d: booked_on is not a date (YYYY-MM-DD).") % {"n": n}}
            ) from None
        amount = money.round_line(_number(row["amount"], n, "amount"))
        if amount <= 0:
            raise FinanceInvalid(
                {"file": _("Line %(n)d: only incoming transfers are imported.") % {"n": n}}
            )
        parsed[bank_id] = BankTransaction(
            bank_id=bank_id,
            booked_on=booked,
            amount=amount,
            payer_name=row.get("payer_name", "")[:100],
            reference=row.get("reference", "")[:200],
            import_sha256=digest,
        )
    counts = {"imported": 0, "skipped": 0, "matched": 0, "unmatched": 0}
    with transaction.atomic():
        known = set(
            BankTransaction.objects.filter(bank_id__in=list(parsed)).values_list(
                "bank_id", flat=True
            )
        )
        counts["skipped"] = len(known)
        for bank_id, txn in parsed.items():
            if bank_id in known:
                continue
            txn._history_user = user
            txn.save()
            counts["imported"] += 1
            statement = rules.bank_match(txn.amount, txn.reference, _candidates())
            order = None
            if statement is None:
                order = rules.bank_match(txn.amount, txn.reference, _order_candidates())
            if order is not None:
                _order_paid(txn, order, user=user)
                counts["matched"] += 1
                continue
            partner = None if statement is not None else _prepayment_partner(txn)
            if statement is not None or partner is not None:
                _match(txn, user=user, statement=statement, partner=partner)
                counts["matched"] += 1
            else:
                counts["unmatched"] += 1
    return counts


def bank_transaction_assign(
    txn: BankTransaction, *, user, statement=None, partner=None, transfer_order=None
):
    """FIN-05: finance matches a queued line by hand to a statement, to a registered order
    awaiting its transfer, or as a partner's prepayment. A line already matched is refused."""
    require(user, P_MANAGE)
    if sum(x is not None for x in (statement, partner, transfer_order)) != 1:
        raise FinanceInvalid({"statement": _("Choose a statement, an order or a partner.")})
    with transaction.atomic():
        locked = BankTransaction.objects.select_for_update().get(pk=txn.pk)
        if locked.state != "unmatched":
            raise FinanceConflict(_("This bank line is already matched."), code="already_matched")
        if transfer_order is not None:
            if transfer_order.state != "awaiting":
                raise FinanceInvalid(
                    {"transfer_order": _("This order is not awaiting a transfer.")}
                )
            return _order_paid(locked, transfer_order, user=user)
        if statement is not None and statement.state != "confirmed":
            raise FinanceInvalid({"statement": _("Only a confirmed statement takes a payment.")})
        if partner is not None and not PartnerAccount.objects.filter(partner=partner).exists():
            raise FinanceInvalid({"partner": _("This partner has no finance account.")})
        return _match(locked, user=user, statement=statement, partner=partner)


def bank_transaction_ignore(txn: BankTransaction, *, user, reason: str) -> BankTransaction:
    require(user, P_MANAGE)
    if not (reason or "").strip():
        raise FinanceInvalid({"reason": _("Say why.")})
    with transaction.atomic():
        locked = BankTransaction.objects.select_for_update().get(pk=txn.pk)
        if locked.state != "unmatched":
            raise FinanceConflict(_("This bank line is already matched."), code="already_matched")
        locked.ignore()
        locked._history_user = user
        locked._change_reason = reason[:100]
        locked.save(update_fields=["state"])
        return locked
