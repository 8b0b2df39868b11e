"""FIN-02: the append-only prepayment ledger, allocations, credit control and holds, credit
assessments.

Every write locks the partner's finance account row first (``account_lock``), so two postings
for one partner are serialised and the balance each one sees is the committed one.
"""

import functools
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.services.notifications import notification_send, users_in_role
from courier.finance import money, rules
from courier.finance.errors import FinanceConflict, FinanceInvalid, FinanceRefused
from courier.finance.models import (
    CreditAssessment,
    CreditHold,
    FinanceSettings,
    LedgerAllocation,
    LedgerEntry,
    PartnerAccount,
    ShipmentFeeLine,
)

P_MANAGE = "courier.manage_finance"
P_APPROVE = "courier.approve_finance"

# The sign of each kind: +1 the partner owes more, −1 less; adjustments carry their own sign.
SIGN = {
    "top_up": -1,
    "credit_note": -1,
    "charge": 1,
    "debit_note": 1,
    "refund": 1,
}
UNBILLED_STATES = ("draft", "issued", "disputed")


def require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise FinanceRefused(_("You may not do this (needs %(perm)s).") % {"perm": perm})


def account_for(partner) -> PartnerAccount:
    account, _created = PartnerAccount.objects.get_or_create(partner=partner)
    return account


def account_lock(partner) -> PartnerAccount:
    """The partner's account row, locked until the transaction ends (created first if none)."""
    rows = list(PartnerAccount.objects.select_for_update().filter(partner=partner).order_by()[:1])
    locked = rows[0] if rows else None
    if locked is None:
        account_for(partner)
        locked = PartnerAccount.objects.select_for_update().get(partner=partner)
    return locked


# --- reads used by the writes ----------------------------------------------------------------


def partner_balance(partner) -> Decimal:
    """What the partner owes on the ledger (negative: prepaid funds left)."""
    value = LedgerEntry.objects.filter(partner=partner).aggregate(s=Sum("amount"))["s"]
    return (value or money.ZERO).quantize(money.FEN)


def _unbilled(partner_id: int):
    return ShipmentFeeLine.objects.filter(partner_id=partner_id).filter(
        Q(statement__isnull=True) | Q(statement__state__in=UNBILLED_STATES)
    )


def partner_unbilled(partner) -> Decimal:
    """Fees of the partner's shipments not yet charged on the ledger (no statement, or one not
    confirmed yet)."""
    value = _unbilled(partner.pk).aggregate(s=Sum("amount"))["s"]
    return (value or money.ZERO).quantize(money.FEN)


def partner_exposure(partner) -> Decimal:
    """FIN-02: exposure = ledger balance + unbilled shipments."""
    return partner_balance(partner) + partner_unbilled(partner)


def credit_terms(account: PartnerAccount) -> rules.CreditTerms:
    warn = account.warn_share
    if warn is None:
        warn = FinanceSettings.current().credit_warn_share
    return rules.CreditTerms(
        account.credit_limit, account.prepayment_ratio, account.max_shipment_amount, warn
    )


# --- postings --------------------------------------------------------------------------------


def _allocate(entry: LedgerEntry, now) -> None:
    """Pair the new entry with the oldest open entries of the other sign (FIFO): a payment pays
    the oldest unpaid charges, a charge uses the oldest unused payment. A reversal pays (or
    un-pays) the entry it reverses first."""
    positive = entry.amount > 0
    remaining = abs(entry.amount)
    others = LedgerEntry.objects.filter(partner_id=entry.partner_id).exclude(pk=entry.pk)
    others = others.filter(amount__lt=0) if positive else others.filter(amount__gt=0)
    ordered = list(others.order_by("created_at", "id"))
    if entry.reverses_id:
        ordered.sort(key=lambda e: e.pk != entry.reverses_id)
    used = _allocated_by_entry([e.pk for e in ordered])
    allocations = []
    for other in ordered:
        if remaining <= 0:
            break
        open_ = abs(other.amount) - used.get(other.pk, money.ZERO)
        if open_ <= 0:
            continue
        amount = min(open_, remaining)
        charge, payment = (entry, other) if positive else (other, entry)
        allocations.append(
            LedgerAllocation(charge=charge, payment=payment, amount=amount, created_at=now)
        )
        remaining -= amount
    LedgerAllocation.objects.bulk_create(allocations)


def _allocated_by_entry(ids) -> dict:
    used: dict[int, Decimal] = {}
    if not ids:
        return used
    for row in (
        LedgerAllocation.objects.filter(charge_id__in=ids)
        .values("charge_id")
        .annotate(s=Sum("amount"))
    ):
        used[row["charge_id"]] = used.get(row["charge_id"], money.ZERO) + row["s"]
    for row in (
        LedgerAllocation.objects.filter(payment_id__in=ids)
        .values("payment_id")
        .annotate(s=Sum("amount"))
    ):
        used[row["payment_id"]] = used.get(row["payment_id"], money.ZERO) + row["s"]
    return used


def entry_open_amount(entry: LedgerEntry) -> Decimal:
    """What is still unpaid of a charge (or unused of a payment)."""
    return abs(entry.amount) - _allocated_by_entry([entry.pk]).get(entry.pk, money.ZERO)


def _post(partner, kind, amount, *, user, reason, now=None, **links) -> LedgerEntry:
    entry = LedgerEntry(
        partner=partner,
        kind=kind,
        amount=amount,
        reason=reason[:300],
        created_by=user,
        created_at=now or timezone.now(),
        **links,
    )
    entry.save()
    _allocate(entry, entry.created_at)
    return entry


def ledger_post(
    partner,
    kind: str,
    amount,
    *,
    user,
    reason: str,
    purpose: str = "",
    reference: str = "",
    statement=None,
    dispute=None,
    check_permission: bool = True,
) -> LedgerEntry:
    """FIN-02: append one entry. ``amount`` is the magnitude for top-ups, charges, refunds and
    notes (the kind gives the sign) and the signed amount of an adjustment. Reversals are
    posted by ``ledger_reverse`` only."""
    if check_permission:
        require(user, P_MANAGE)
    if kind == "reversal" or kind not in LedgerEntry.Kind.values:
        raise FinanceInvalid({"kind": _("Choose a kind; reverse an entry to correct it.")})
    try:
        value = money.round_line(amount)
    except (TypeError, ValueError):
        raise FinanceInvalid({"amount": _("Enter an amount in yuan.")}) from None
    if kind == "adjustment":
        if not value:
            raise FinanceInvalid({"amount": _("An adjustment cannot be zero.")})
    else:
        if value <= 0:
            raise FinanceInvalid({"amount": _("Enter a positive amount.")})
        value = value * SIGN[kind]
    if not (reason or "").strip():
        raise FinanceInvalid({"reason": _("Say why.")})
    if purpose and kind != "top_up":
        raise FinanceInvalid({"purpose": _("Only a prepayment has a purpose.")})
    with transaction.atomic():
        account_lock(partner)
        return _post(
            partner,
            kind,
            value,
            user=user,
            reason=reason,
            purpose=purpose,
            reference=reference[:100],
            statement=statement,
            dispute=dispute,
        )


def ledger_reverse(entry: LedgerEntry, *, user, reason: str) -> LedgerEntry:
    """FIN-02: a correction is a reversing entry (the original is never changed)."""
    require(user, P_MANAGE)
    if not (reason or "").strip():
        raise FinanceInvalid({"reason": _("Say why.")})
    with transaction.atomic():
        account_lock(entry.partner)
        locked = LedgerEntry.objects.get(pk=entry.pk)
        if locked.kind == "reversal":
            raise FinanceConflict(_("A reversal is not reversed; post a new entry."))
        if LedgerEntry.objects.filter(reverses=locked).exists():
            raise FinanceConflict(_("This entry is already reversed."), code="already_reversed")
        return _post(
            locked.partner,
            "reversal",
            -locked.amount,
            user=user,
            reason=reason,
            reverses=locked,
            reference=locked.reference,
            statement=locked.statement,
        )


# --- credit control --------------------------------------------------------------------------


def shipment_credit_check(shipment, amount, *, user) -> rules.CreditDecision:
    """FIN-02: called with a shipment's fees once its snapshot is written (a shipment priced
    after its intake: the station, the sweep). Over the partner's terms it is held until finance
    releases it; near the limit finance is warned."""
    partner = shipment.partner
    with transaction.atomic():
        account = account_lock(partner)
        # The shipment's lines are already written: exposure before it excludes them.
        exposure = partner_exposure(partner) - money.to_decimal(amount)
        decision = rules.credit_decision(exposure, amount, credit_terms(account))
        credit_decision_record(shipment, decision, amount, exposure, user=user)
        return decision


def credit_decide_new(partner, amount, *, warn_share=None) -> tuple[rules.CreditDecision, Decimal]:
    """FIN-02 for a shipment being taken in: ``(decision, exposure before it)`` for fees of
    ``amount``. Call it in the intake's transaction, before the shipment is written: the
    partner's account row stays locked until that transaction ends, so two intakes of one
    partner are checked one after the other and never both pass the limit. Writes nothing;
    ``credit_decision_record`` records the outcome once the shipment exists. ``warn_share``: the
    finance settings' share, when the caller has it at hand (else it is read)."""
    position = _credit_position_locked(partner)
    if position is None:  # no account yet (its first shipment): create it, then lock it
        account = account_lock(partner)
        terms = (
            account.credit_limit,
            account.prepayment_ratio,
            account.max_shipment_amount,
            account.warn_share,
        )
        exposure = partner_exposure(partner)
    else:
        terms, exposure = position
    limit, ratio, max_amount, warn = terms
    if warn is None:
        warn = warn_share if warn_share is not None else FinanceSettings.current().credit_warn_share
    decision = rules.credit_decision(
        exposure, amount, rules.CreditTerms(limit, ratio, max_amount, warn)
    )
    return decision, exposure


_TERMS = ("credit_limit", "prepayment_ratio", "max_shipment_amount", "warn_share")


_ANY_PARTNER = -(2**62)  # stands for the partner's id in the statement built once


@functools.cache
def _credit_position_sql() -> tuple[str, list]:
    """PostgreSQL: the account's lock, then its exposure, as one round trip; the SQL is built by
    the ORM once per process (``_ANY_PARTNER`` marks the partner's id among the parameters)."""

    locked = (
        PartnerAccount.objects.select_for_update()
        .filter(partner_id=_ANY_PARTNER)
        .order_by()
        .values_list(*_TERMS)[:1]
    )
    lock_sql, lock_params = locked.query.sql_with_params()
    balance_sql, balance_params = (
        LedgerEntry.objects.filter(partner_id=_ANY_PARTNER)
        .order_by()
        .values("amount")
        .query.sql_with_params()
    )
    unbilled_sql, unbilled_params = (
        _unbilled(_ANY_PARTNER).order_by().values("amount").query.sql_with_params()
    )
    sql = (
        f"{lock_sql};\nSELECT (SELECT SUM(b.amount) FROM ({balance_sql}) b), "
        f"(SELECT SUM(u.amount) FROM ({unbilled_sql}) u)"
    )
    return sql, [*lock_params, *balance_params, *unbilled_params]


def _credit_position_locked(partner):
    """``(terms, exposure)`` with the partner's account row locked, or None without an account.
    On PostgreSQL one round trip: the lock, then (a statement of its own, so its snapshot is
    taken once the lock is held) the ledger balance and the unbilled fees."""
    if connection.vendor != "postgresql":
        rows = list(
            PartnerAccount.objects.select_for_update()
            .filter(partner=partner)
            .order_by()
            .values_list(*_TERMS)[:1]
        )
        if not rows:
            return None
        return rows[0], partner_exposure(partner)
    sql, params = _credit_position_sql()
    params = [partner.pk if p == _ANY_PARTNER else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        cursor.nextset()
        balance, unbilled = cursor.fetchone()
    if row is None:
        return None
    exposure = (balance or money.ZERO).quantize(money.FEN) + (unbilled or money.ZERO).quantize(
        money.FEN
    )
    return row, exposure


def credit_decision_record(shipment, decision, amount, exposure, *, user) -> None:
    """FIN-02: a held shipment gets its hold (finance is told); near the limit finance is
    warned. Nothing is written for a shipment within its partner's terms."""
    if decision.hold:
        partner = shipment.partner
        hold = CreditHold(
            shipment=shipment,
            partner=partner,
            amount=amount,
            exposure=exposure,
            reasons=list(decision.reasons),
        )
        hold._history_user = user
        hold.save()
        notification_send(
            users_in_role("finance"),
            _("Shipment %(w)s held: credit terms of %(p)s")
            % {"w": shipment.waybill_number, "p": partner.code},
            ", ".join(decision.reasons),
            dedupe_key=f"finance-hold-{shipment.pk}",
        )
    elif decision.warn:
        partner = shipment.partner
        account = account_for(partner)
        notification_send(
            users_in_role("finance"),
            _("%(p)s is near its credit limit") % {"p": partner.code},
            _("Exposure %(e)s of a limit of %(l)s.")
            % {"e": decision.exposure_after, "l": account.credit_limit},
            dedupe_key=f"finance-warn-{partner.pk}-{timezone.localdate().isoformat()}",
        )


def credit_hold_active(shipment) -> bool:
    """FIN-02: whether the shipment waits for finance (the shipments domain asks before print)."""
    return CreditHold.objects.filter(shipment=shipment, state="held").exists()


def credit_holds_active(shipment_ids) -> set[int]:
    """FIN-02: which of these shipments wait for finance, in one query (a batch of moves)."""
    return set(
        CreditHold.objects.filter(shipment_id__in=shipment_ids, state="held").values_list(
            "shipment_id", flat=True
        )
    )


def _hold_decide(hold: CreditHold, name: str, *, user, reason: str) -> CreditHold:
    require(user, P_MANAGE)
    if not (reason or "").strip():
        raise FinanceInvalid({"reason": _("Record why the hold is overridden.")})
    with transaction.atomic():
        locked = CreditHold.objects.select_for_update().get(pk=hold.pk)
        if locked.state != "held":
            raise FinanceConflict(_("This hold is already decided."))
        getattr(locked, name)()
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.override_reason = reason[:300]
        locked._history_user = user
        locked._change_reason = reason[:100]
        locked.save(update_fields=["state", "decided_by", "decided_at", "override_reason"])
        return locked


def credit_hold_release(hold: CreditHold, *, user, reason: str) -> CreditHold:
    """FIN-02: finance releases a held shipment; the override is recorded with who and why."""
    return _hold_decide(hold, "release", user=user, reason=reason)


def credit_hold_cancel(hold: CreditHold, *, user, reason: str) -> CreditHold:
    return _hold_decide(hold, "cancel", user=user, reason=reason)


def credit_assessment_record(
    partner,
    *,
    user,
    grade: str,
    basis: str,
    credit_limit,
    prepayment_ratio,
    max_shipment_amount=None,
) -> CreditAssessment:
    """FIN-02: finance records a customer credit assessment with its basis (a proposal)."""
    require(user, P_MANAGE)
    assessment = CreditAssessment(
        partner=partner,
        grade=grade,
        basis=basis,
        credit_limit=money.round_line(credit_limit),
        prepayment_ratio=money.to_decimal(prepayment_ratio),
        max_shipment_amount=None
        if max_shipment_amount is None
        else money.round_line(max_shipment_amount),
        assessed_by=user,
    )
    from django.core.exceptions import ValidationError

    try:
        assessment.full_clean(exclude=["partner", "assessed_by", "state"])
    except ValidationError as exc:
        raise FinanceInvalid(exc.message_dict) from None
    assessment._history_user = user
    assessment.save()
    return assessment


def credit_assessment_decide(
    assessment: CreditAssessment, *, user, approve: bool, reason: str = ""
) -> CreditAssessment:
    """FIN-02: a manager approves (the terms become the partner's) or rejects an assessment."""
    require(user, P_APPROVE)
    with transaction.atomic():
        locked = CreditAssessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.state != "proposed":
            raise FinanceConflict(_("This assessment is already decided."))
        if locked.assessed_by_id == user.pk:
            raise FinanceRefused(_("Another person approves an assessment than its author."))
        (locked.approve if approve else locked.reject)()
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked._history_user = user
        locked._change_reason = reason[:100]
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        if approve:
            account = account_lock(locked.partner)
            account.credit_limit = locked.credit_limit
            account.prepayment_ratio = locked.prepayment_ratio
            account.max_shipment_amount = locked.max_shipment_amount
            account._history_user = user
            account._change_reason = f"credit assessment {locked.pk}"
            account.save(update_fields=["credit_limit", "prepayment_ratio", "max_shipment_amount"])
        return locked
