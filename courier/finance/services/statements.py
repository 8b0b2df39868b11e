"""FIN-03/FIN-04: statements both ways, their lines, disputes, reissues, the line-by-line check
against the partner's own figures, and the station month-end audit.

States: draft → issued → confirmed | disputed → (superseded by version n+1, issued) → confirmed
→ settled → closed. A confirmed partner statement posts one charge on the ledger.
"""

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.services.notifications import notification_send, users_in_role
from courier.core.services.outbox import queue_after_commit, tasks_delay_safely
from courier.core.services.webhooks import webhook_event_emit
from courier.finance import money, rules
from courier.finance.errors import FinanceConflict, FinanceInvalid, FinanceRefused
from courier.finance.models import (
    FinanceSettings,
    PartnerAccount,
    ReconciliationItem,
    ShipmentFeeLine,
    Statement,
    StatementDispute,
    StatementLine,
)
from courier.finance.services.ledger import (
    P_APPROVE,
    P_MANAGE,
    entry_open_amount,
    ledger_post,
    require,
)

EVENT_ISSUED = "statement.issued"
BATCH = 5000


def statement_number(counterparty_code: str, kind: str, start: datetime.date, version: int) -> str:
    label = start.strftime("%Y%m" if kind == "month" else "%Y")
    if kind == "quarter":
        label += f"Q{(start.month - 1) // 3 + 1}"
    return f"ST-{counterparty_code}-{label}-v{version}"


def _lock(statement: Statement) -> Statement:
    return Statement.objects.select_for_update().get(pk=statement.pk)


def _save(statement: Statement, fields, *, user, reason: str = "") -> Statement:
    statement._history_user = user
    statement._change_reason = reason[:100] if reason else None
    statement.save(update_fields=[*fields])
    return statement


# --- building ---------------------------------------------------------------------------------


def statements_build(
    kind: str,
    start: datetime.date,
    end: datetime.date,
    *,
    user=None,
    partner_ids=None,
) -> list[int]:
    """FIN-03: draft statements of every partner whose account bills by ``kind``, for fee lines
    written before ``end`` and not yet billed: the period's own, and any written late for an
    earlier period (a snapshot committed just after that period's build), which would otherwise
    never be billed. One line per shipment (its fee lines summed, each already rounded). A
    statement's total and line count are read back from its own lines, in the same transaction,
    so they agree whatever was written meanwhile. Partners with a statement of the period
    already are skipped, so a re-run is harmless. Returns the new statements' ids (by partner).

    Set-based, in one transaction and a fixed number of queries whatever the partners and
    shipments: one grouped read gives each partner's total and line count, the statements (and
    their history) go in with one INSERT each, the lines with one ``INSERT ... SELECT`` (numbered
    by ``row_number()``), and the fee lines are linked with one ``UPDATE ... FROM``. A loop per
    partner (an UPDATE each, while a server-side cursor held the grouped read open) touched each
    partner's fee lines scattered over the whole table: 18x the time for 10x the shipments
    (bench/bench_finance.py)."""
    tz = timezone.get_current_timezone()
    hi = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    # Sandbox partners (test keys) are never billed.
    accounts = PartnerAccount.objects.filter(statement_period=kind, partner__is_sandbox=False)
    if partner_ids is not None:
        accounts = accounts.filter(partner_id__in=partner_ids)
    with transaction.atomic():
        wanted = set(accounts.values_list("partner_id", flat=True))
        done = set(
            Statement.objects.filter(
                partner_id__in=wanted, period_kind=kind, period_start=start
            ).values_list("partner_id", flat=True)
        )
        wanted -= done
        if not wanted:
            return []
        sums = (
            ShipmentFeeLine.objects.filter(
                partner_id__in=wanted, statement__isnull=True, created_at__lt=hi
            )
            # Priced at intake; a parcel cancelled before it left is not charged.
            .exclude(shipment__state="cancelled")
            .values("partner_id")
            .annotate(amount=Sum("amount"), lines=Count("shipment_id", distinct=True))
            .order_by("partner_id")
        )
        sums = list(sums)
        if not sums:
            return []
        from courier.core.models import Partner

        codes = dict(
            Partner.objects.filter(pk__in=[r["partner_id"] for r in sums]).values_list("pk", "code")
        )
        now = timezone.now()
        drafts = [
            Statement(
                number=statement_number(codes[row["partner_id"]], kind, start, 1),
                partner_id=row["partner_id"],
                period_kind=kind,
                period_start=start,
                period_end=end,
                data_as_of=now,
                total=money.to_decimal(row["amount"]).quantize(money.FEN),
                line_count=row["lines"],
            )
            for row in sums
        ]
        created = Statement.objects.bulk_create(drafts)
        _lines_insert_and_link(kind, start, now, hi)
        read_back = {
            row["statement_id"]: row
            for row in StatementLine.objects.filter(statement_id__in=[s.pk for s in created])
            .values("statement_id")
            .annotate(amount=Sum("amount"), lines=Count("id"))
            .order_by()
        }
        for statement in created:
            row = read_back.get(statement.pk, {"amount": money.ZERO, "lines": 0})
            statement.total = money.to_decimal(row["amount"]).quantize(money.FEN)
            statement.line_count = row["lines"]
        Statement.objects.bulk_update(created, ["total", "line_count"])
        Statement.history.bulk_history_create(created, default_user=user)
    return [s.pk for s in created]


def _lines_insert_and_link(kind, start, as_of, hi) -> None:
    """The new statements' lines (one per shipment) from their fee lines, and the fee lines
    linked to them: two set-based statements; the new statements are those of the period
    stamped ``as_of``."""
    qn = connection.ops.quote_name
    fee = qn(ShipmentFeeLine._meta.db_table)
    line = qn(StatementLine._meta.db_table)
    st = qn(Statement._meta.db_table)
    ship = qn(ShipmentFeeLine._meta.get_field("shipment").related_model._meta.db_table)
    new = "st.period_kind = %s AND st.period_start = %s AND st.data_as_of = %s"
    ops = connection.ops
    params = [
        kind,
        ops.adapt_datefield_value(start),
        ops.adapt_datetimefield_value(as_of),
        ops.adapt_datetimefield_value(hi),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {line} (statement_id, number, kind, shipment_id, waybill_number, "
            "description, weight_kg, amount, receipt_signed, partner_state) "
            "SELECT st.id, row_number() OVER (PARTITION BY st.id ORDER BY f.shipment_id), "
            "'shipment', f.shipment_id, sh.waybill_number, '', max(f.chargeable_kg), "
            f"sum(f.amount), NULL, 'open' FROM {fee} f "
            f"JOIN {st} st ON st.partner_id = f.partner_id AND {new} "
            f"JOIN {ship} sh ON sh.id = f.shipment_id AND sh.state <> 'cancelled' "
            "WHERE f.statement_id IS NULL AND f.created_at < %s "
            "GROUP BY st.id, f.shipment_id, sh.waybill_number",
            params,
        )
        cursor.execute(
            f"UPDATE {fee} SET statement_id = st.id FROM {st} st "
            f"WHERE st.partner_id = {fee}.partner_id AND {new} "
            f"AND {fee}.statement_id IS NULL AND {fee}.created_at < %s "
            f"AND {fee}.shipment_id IN (SELECT id FROM {ship} WHERE state <> 'cancelled')",
            params,
        )


def statements_build_due(today: datetime.date | None = None, *, user=None) -> list[int]:
    """The scheduled job: every period (month, quarter, year) that ended yesterday is built."""
    today = today or timezone.localdate()
    created = []
    for kind in ("month", "quarter", "year"):
        bounds = rules.period_due(kind, today)
        if bounds:
            created += statements_build(kind, *bounds, user=user)
    return created


def station_statement_build(station, start: datetime.date, end: datetime.date, *, user):
    """FIN-03 (002 duty 7): the consignment station's month-end audit: every parcel it received
    in the month with its freight and whether its signed receipt (回单) is back. Lines without
    a receipt or without fees are anomalies reported to the CS supervisor at once."""
    from courier.shipments.selectors import shipments_all

    require(user, P_MANAGE)
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    with transaction.atomic():
        existing = Statement.objects.filter(
            station=station, period_kind="month", period_start=start
        ).aggregate(v=Max("version"))["v"]
        if existing:
            raise FinanceConflict(_("This station's statement of the month exists already."))
        shipments = list(
            shipments_all()
            .filter(
                station_scans__station=station,
                station_scans__direction="inbound",
                station_scans__scanned_at__gte=lo,
                station_scans__scanned_at__lt=hi,
            )
            .distinct()
            .order_by("id")
            .values("id", "waybill_number", "delivered_at")
        )
        fees = {
            row["shipment_id"]: (row["s"], row["w"])
            for row in ShipmentFeeLine.objects.filter(shipment_id__in=[s["id"] for s in shipments])
            .values("shipment_id")
            .annotate(s=Sum("amount"), w=Max("chargeable_kg"))
        }
        statement = Statement(
            number=statement_number(station.code, "month", start, 1),
            station=station,
            period_kind="month",
            period_start=start,
            period_end=end,
            data_as_of=timezone.now(),
        )
        statement._history_user = user
        statement.save()
        lines, anomalies = [], []
        for i, s in enumerate(shipments, start=1):
            amount, weight = fees.get(s["id"], (money.ZERO, None))
            signed = s["delivered_at"] is not None
            lines.append(
                StatementLine(
                    statement=statement,
                    number=i,
                    shipment_id=s["id"],
                    waybill_number=s["waybill_number"],
                    weight_kg=weight,
                    amount=amount,
                    receipt_signed=signed,
                )
            )
            if not signed or s["id"] not in fees:
                anomalies.append(s["waybill_number"])
        StatementLine.objects.bulk_create(lines)
        statement.total = money.total(line.amount for line in lines)
        statement.line_count = len(lines)
        _save(statement, ["total", "line_count"], user=user)
        if anomalies:
            notification_send(
                list(users_in_role("supervisor")),
                _("Station %(s)s month-end audit: %(n)d anomalies")
                % {"s": station.code, "n": len(anomalies)},
                ", ".join(anomalies[:200]),
                dedupe_key=f"finance-station-audit-{statement.pk}",
            )
        return statement


# --- issue, confirm, dispute -----------------------------------------------------------------


def statement_payload(statement: Statement) -> dict:
    return {
        "number": statement.number,
        "version": statement.version,
        "period_start": statement.period_start,
        "period_end": statement.period_end,
        "state": statement.state,
        "total": statement.total,
        "confirm_by": statement.confirm_by,
    }


def statement_issue(statement: Statement, *, user) -> Statement:
    """FIN-03: issue a draft; the partner is told by the signed webhook ``statement.issued``."""
    require(user, P_MANAGE)
    settings_row = FinanceSettings.current()
    with transaction.atomic():
        locked = _lock(statement)
        if locked.state != "draft":
            raise FinanceConflict(_("Only a draft is issued."))
        locked.issue()
        locked.issued_at = timezone.now()
        locked.confirm_by = timezone.localdate() + datetime.timedelta(
            days=settings_row.statement_confirm_days
        )
        _save(locked, ["state", "issued_at", "confirm_by"], user=user, reason="issued")
        if locked.partner_id:
            # The outbox row, in this transaction; its signed delivery is queued after commit
            # and retried by the platform's webhook sweep.
            webhook_event_emit(locked.partner, EVENT_ISSUED, statement_payload(locked))
        _export_later(locked.pk)
        return locked


def _export_later(pk: int) -> None:
    """Queue the stored export after commit; a broker failure is logged, and
    ``statement_exports_sweep`` queues it again."""
    from courier.finance.tasks import statement_export

    queue_after_commit(
        lambda: statement_export.apply_async(args=(pk,), retry=False),
        what=f"export of statement {pk}",
    )


EXPORT_SWEEP_DAYS = 7
EXPORT_SWEEP_GRACE_SECONDS = 300


def statement_exports_sweep(now=None) -> int:
    """FIN-03: queue the stored export of every statement issued in the last
    ``EXPORT_SWEEP_DAYS`` (and at least ``EXPORT_SWEEP_GRACE_SECONDS`` ago) that has none yet.
    Returns how many were queued."""
    from courier.finance.tasks import statement_export

    now = now or timezone.now()
    ids = (
        Statement.objects.filter(
            report_run__isnull=True,
            issued_at__gte=now - datetime.timedelta(days=EXPORT_SWEEP_DAYS),
            issued_at__lt=now - datetime.timedelta(seconds=EXPORT_SWEEP_GRACE_SECONDS),
        )
        .order_by("issued_at")
        .values_list("pk", flat=True)[:500]
    )
    return tasks_delay_safely(statement_export, list(ids), what="statement export")


def _partner_lock(line_or_statement, partner) -> None:
    owner = getattr(line_or_statement, "partner_id", None)
    if partner is not None and owner != partner.pk:
        raise FinanceRefused(_("This is another partner's statement."))


def statement_line_confirm(line: StatementLine, *, user, partner=None) -> StatementLine:
    """FIN-03: the partner (or staff on its behalf) confirms one line."""
    with transaction.atomic():
        statement = _lock(line.statement)
        _partner_lock(statement, partner)
        if statement.state not in ("issued", "disputed"):
            raise FinanceConflict(_("The statement is not open for answers."))
        locked = StatementLine.objects.select_for_update().get(pk=line.pk)
        if locked.partner_state == "disputed":
            raise FinanceConflict(_("This line is disputed; its dispute decides it."))
        locked.partner_state = "confirmed"
        locked.save(update_fields=["partner_state"])
        return locked


def statement_confirm(statement: Statement, *, user, partner=None) -> Statement:
    """FIN-03: confirm the statement: every open line is confirmed; a statement with a disputed
    line cannot be confirmed (it is reissued once the disputes are resolved). A partner's
    confirmed statement posts its shipments' charge on the ledger, payable by the due date."""
    settings_row = FinanceSettings.current()
    with transaction.atomic():
        locked = _lock(statement)
        _partner_lock(locked, partner)
        if locked.state != "issued":
            raise FinanceConflict(
                _("Only an issued statement without disputes is confirmed."), code="invalid_state"
            )
        if locked.lines.filter(partner_state="disputed").exists():
            raise FinanceConflict(_("A line is disputed."), code="line_disputed")
        locked.lines.filter(partner_state="open").update(partner_state="confirmed")
        locked.confirm()
        locked.confirmed_at = timezone.now()
        locked.due_on = timezone.localdate() + datetime.timedelta(
            days=settings_row.payment_due_days
        )
        _save(locked, ["state", "confirmed_at", "due_on"], user=user, reason="confirmed")
        if locked.partner_id:
            charge = money.total(
                locked.lines.filter(kind="shipment").values_list("amount", flat=True)
            )
            if charge > 0:
                ledger_post(
                    locked.partner,
                    "charge",
                    charge,
                    user=user,
                    reason=_("Statement %(n)s confirmed") % {"n": locked.number},
                    reference=locked.number,
                    statement=locked,
                    check_permission=False,
                )
        return locked


def statement_dispute(
    statement: Statement,
    *,
    user,
    reason: str,
    line: StatementLine | None = None,
    their_amount=None,
    evidence: str = "",
    partner=None,
) -> StatementDispute:
    """FIN-04: dispute one line (or, without ``line``, the statement), with evidence. The
    dispute gets the responsible role (finance) and an answer date."""
    if not (reason or "").strip():
        raise FinanceInvalid({"reason": _("Say what is wrong.")})
    settings_row = FinanceSettings.current()
    with transaction.atomic():
        locked = _lock(statement)
        _partner_lock(locked, partner)
        if locked.state not in ("issued", "disputed"):
            raise FinanceConflict(_("The statement is not open for answers."))
        if line is not None:
            line = StatementLine.objects.select_for_update().get(pk=line.pk)
            if line.statement_id != locked.pk:
                raise FinanceInvalid({"line": _("The line is not on this statement.")})
            if line.partner_state == "disputed":
                raise FinanceConflict(_("This line is already disputed."), code="already_disputed")
            ours = line.amount
        else:
            ours = locked.total
        if their_amount is not None:
            their_amount = money.round_line(their_amount)
            if their_amount < 0:
                raise FinanceInvalid({"their_amount": _("Enter a positive amount.")})
            difference = ours - their_amount
        else:
            difference = ours
        if not difference:
            raise FinanceInvalid(
                {"their_amount": _("Your figure equals ours: confirm the line instead.")}
            )
        dispute = StatementDispute(
            statement=locked,
            line=line,
            disputed_amount=difference,
            their_amount=their_amount,
            reason=reason,
            evidence=evidence,
            responsible_role="finance",
            due_at=timezone.now() + datetime.timedelta(days=settings_row.dispute_due_days),
            raised_by=user,
        )
        dispute._history_user = user
        dispute.save()
        if line is not None:
            line.partner_state = "disputed"
            line.save(update_fields=["partner_state"])
        if locked.state == "issued":
            locked.dispute()
            _save(locked, ["state"], user=user, reason="disputed")
        notification_send(
            list(users_in_role(dispute.responsible_role)),
            _("Statement %(n)s disputed") % {"n": locked.number},
            reason[:500],
            dedupe_key=f"finance-dispute-{dispute.pk}",
        )
        return dispute


def dispute_resolve(
    dispute: StatementDispute, *, user, outcome: str, resolution: str, granted=None
) -> StatementDispute:
    """FIN-04: a manager decides: upheld (the whole difference), rejected (nothing) or split
    (a granted part). The decision is settled by a credit note (we charged too much) or a debit
    note (too little) on the partner's ledger. A station statement's dispute posts nothing."""
    require(user, P_APPROVE)
    if not (resolution or "").strip():
        raise FinanceInvalid({"resolution": _("Record the resolution.")})
    with transaction.atomic():
        locked = StatementDispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.state != "open":
            raise FinanceConflict(_("This dispute is already resolved."))
        try:
            note = rules.dispute_note_amount(outcome, abs(locked.disputed_amount), granted)
        except ValueError as exc:
            field = "granted" if outcome == "split" else "outcome"
            raise FinanceInvalid({field: str(exc)}) from None
        locked.resolve()
        locked.outcome = outcome
        locked.granted_amount = note
        locked.resolution = resolution
        locked.resolved_by, locked.resolved_at = user, timezone.now()
        locked._history_user = user
        locked._change_reason = outcome
        locked.save(
            update_fields=[
                "state",
                "outcome",
                "granted_amount",
                "resolution",
                "resolved_by",
                "resolved_at",
            ]
        )
        statement = locked.statement
        if note and statement.partner_id:
            ledger_post(
                statement.partner,
                "credit_note" if locked.disputed_amount > 0 else "debit_note",
                note,
                user=user,
                reason=_("Dispute %(d)s on %(n)s: %(o)s")
                % {"d": locked.pk, "n": statement.number, "o": outcome},
                reference=statement.number,
                statement=statement,
                dispute=locked,
                check_permission=False,
            )
        return locked


def statement_reissue(statement: Statement, *, user) -> Statement:
    """FIN-03: a disputed statement whose disputes are all resolved is superseded by version
    n+1: the same shipments, plus one line per credit or debit note, issued at once."""
    require(user, P_MANAGE)
    with transaction.atomic():
        old = _lock(statement)
        if old.state != "disputed":
            raise FinanceConflict(_("Only a disputed statement is reissued."))
        if old.disputes.filter(state="open").exists():
            raise FinanceConflict(_("Resolve every dispute first."), code="disputes_open")
        old.supersede()
        _save(old, ["state"], user=user, reason="superseded")
        code = (old.partner or old.station).code
        new = Statement(
            number=statement_number(code, old.period_kind, old.period_start, old.version + 1),
            partner_id=old.partner_id,
            station_id=old.station_id,
            period_kind=old.period_kind,
            period_start=old.period_start,
            period_end=old.period_end,
            version=old.version + 1,
            previous=old,
            data_as_of=timezone.now(),
        )
        new._history_user = user
        new.save()
        lines = [
            StatementLine(
                statement=new,
                number=i,
                kind=line.kind,
                shipment_id=line.shipment_id,
                waybill_number=line.waybill_number,
                description=line.description,
                weight_kg=line.weight_kg,
                amount=line.amount,
                receipt_signed=line.receipt_signed,
            )
            for i, line in enumerate(old.lines.order_by("number"), start=1)
        ]
        for entry in old.ledger_entries.filter(kind__in=["credit_note", "debit_note"]).order_by(
            "id"
        ):
            lines.append(
                StatementLine(
                    statement=new,
                    number=len(lines) + 1,
                    kind="note",
                    description=entry.reason[:200],
                    amount=entry.amount,
                    partner_state="confirmed",
                )
            )
        StatementLine.objects.bulk_create(lines)
        old.fee_lines.update(statement=new)
        new.total = money.total(line.amount for line in lines)
        new.line_count = len(lines)
        _save(new, ["total", "line_count"], user=user)
        return statement_issue(new, user=user)


def statement_settle(statement: Statement, *, user) -> Statement:
    """FIN-03: a confirmed statement is settled once its charge is paid (allocated)."""
    require(user, P_MANAGE)
    with transaction.atomic():
        locked = _lock(statement)
        if locked.state != "confirmed":
            raise FinanceConflict(_("Only a confirmed statement is settled."))
        unpaid = statement_outstanding(locked)
        if unpaid > 0:
            raise FinanceConflict(
                _("%(a)s yuan of this statement is still unpaid.") % {"a": unpaid},
                code="unpaid",
            )
        locked.settle()
        locked.settled_at = timezone.now()
        return _save(locked, ["state", "settled_at"], user=user, reason="settled")


def statement_outstanding(statement: Statement) -> Decimal:
    """What is still unpaid of the statement's charge and notes on the ledger."""
    total = money.ZERO
    for entry in statement.ledger_entries.filter(kind__in=["charge", "debit_note"]):
        total += entry_open_amount(entry)
    for entry in statement.ledger_entries.filter(kind="credit_note"):
        total -= entry_open_amount(entry)
    return max(total, money.ZERO)


def statement_close(statement: Statement, *, user) -> Statement:
    """FIN-03: close a settled statement once no reconciliation item or dispute is open."""
    require(user, P_MANAGE)
    with transaction.atomic():
        locked = _lock(statement)
        if locked.state != "settled":
            raise FinanceConflict(_("Only a settled statement is closed."))
        if locked.reconciliation_items.filter(is_open=True).exists():
            raise FinanceConflict(_("Follow up the open items first."), code="items_open")
        locked.close()
        locked.closed_at = timezone.now()
        return _save(locked, ["state", "closed_at"], user=user, reason="closed")


# --- the partner's own figures ---------------------------------------------------------------

FIGURE_COLUMNS = ("waybill_number", "weight_kg", "amount")


def table_rows(upload, required: tuple[str, ...], optional: tuple[str, ...] = ()):
    """The rows of an uploaded CSV or Excel (.xlsx) file as dicts, with header checks: a
    missing or unknown column is refused naming it. Yields ``(line number, row)``."""
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise FinanceInvalid({"file": _("This is not a readable Excel file.")}) from None
        sheet = book.active
        values = [
            ["" if v is None else str(v).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FinanceInvalid({"file": _("Save the CSV file as UTF-8.")}) from None
        values = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    if not values:
        raise FinanceInvalid({"file": _("The file is empty.")})
    header = [h.strip().lower() for h in values[0]]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c and c not in required + optional]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing columns: %(c)s") % {"c": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(c)s") % {"c": ", ".join(unknown)})
        raise FinanceInvalid({"file": "; ".join(parts)}, code="bad_columns")
    rows = []
    for n, row in enumerate(values[1:], start=2):
        if not any(row):
            continue
        rows.append((n, dict(zip(header, row, strict=False))))
    return rows


def _number(value: str, n: int, column: str) -> Decimal:
    try:
        return money.to_decimal(value or "0")
    except (ValueError, TypeError, InvalidOperation):
        raise FinanceInvalid(
            {"file": _("Line %(n)d: %(c)s is not a number.") % {"n": n, "c": column}}
        ) from None


def statement_reconcile(statement: Statement, upload, *, user) -> dict[str, int]:
    """FIN-03: check the statement line by line against the partner's figures (CSV/Excel with
    waybill_number, weight_kg, amount). Each waybill is classified; mismatches and missing
    lines become open items to follow up. A file with a duplicate or unreadable line is
    refused whole, naming the line. Returns the count per class."""
    require(user, P_MANAGE)
    settings_row = FinanceSettings.current()
    theirs: dict[str, tuple[Decimal, Decimal]] = {}
    for n, row in table_rows(upload, FIGURE_COLUMNS):
        ref = row.get("waybill_number", "").strip()
        if not ref:
            raise FinanceInvalid({"file": _("Line %(n)d: no waybill number.") % {"n": n}})
        if ref in theirs:
            raise FinanceInvalid(
                {"file": _("Line %(n)d: waybill %(w)s appears twice.") % {"n": n, "w": ref}},
                code="duplicate_line",
            )
        theirs[ref] = (
            _number(row.get("weight_kg"), n, "weight_kg"),
            money.round_line(_number(row.get("amount"), n, "amount")),
        )
    with transaction.atomic():
        locked = _lock(statement)
        if locked.state in ("draft", "superseded", "closed"):
            raise FinanceConflict(_("This statement is not open for reconciliation."))
        ours = {
            line.waybill_number: (line.weight_kg, line.amount)
            for line in locked.lines.filter(kind="shipment")
        }
        result = rules.reconcile(ours, theirs, weight_tolerance_kg=settings_row.weight_tolerance_kg)
        for item in locked.reconciliation_items.all():
            item._history_user = user
            item.delete()
        items = []
        counts: dict[str, int] = {}
        for ref, klass in result.items():
            our, their = ours.get(ref, (None, None)), theirs.get(ref, (None, None))
            counts[klass] = counts.get(klass, 0) + 1
            items.append(
                ReconciliationItem(
                    statement=locked,
                    waybill_number=ref,
                    result=klass,
                    our_weight_kg=our[0],
                    our_amount=our[1],
                    their_weight_kg=their[0],
                    their_amount=their[1],
                    is_open=klass != rules.MATCHED,
                )
            )
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(items, ReconciliationItem, default_user=user)
        return counts


def reconciliation_item_close(item: ReconciliationItem, *, user, follow_up: str):
    """FIN-03: an open item is followed up and closed with what was found."""
    require(user, P_MANAGE)
    if not (follow_up or "").strip():
        raise FinanceInvalid({"follow_up": _("Record the follow-up.")})
    with transaction.atomic():
        locked = ReconciliationItem.objects.select_for_update().get(pk=item.pk)
        if not locked.is_open:
            raise FinanceConflict(_("This item is already closed."))
        locked.is_open = False
        locked.follow_up = follow_up
        locked.closed_by, locked.closed_at = user, timezone.now()
        locked._history_user = user
        locked.save(update_fields=["is_open", "follow_up", "closed_by", "closed_at"])
        return locked
