"""Statements both ways (FIN-03), their disputes (FIN-04), reconciliation items, and the bank
transfer register and bank lines (FIN-05)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from courier.finance.models.fees import KG, MONEY, PeriodKind


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    DISPUTED = "disputed", _("Disputed")
    SUPERSEDED = "superseded", _("Superseded (reissued)")
    CONFIRMED = "confirmed", _("Confirmed")
    SETTLED = "settled", _("Settled")
    CLOSED = "closed", _("Closed")


P_MANAGE = "courier.manage_finance"


class Statement(ConcurrentTransitionMixin, models.Model):
    """A periodic statement for one partner or one consignment station. A disputed statement is
    reissued as version n+1 (the old one is superseded); the partner confirms or disputes lines
    through the API. Amounts: ``total`` is the sum of the rounded lines."""

    number = models.CharField(_("number"), max_length=64, unique=True)
    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
    )
    station = models.ForeignKey(
        "courier.Station",
        verbose_name=_("station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("reissue of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissue",
    )
    state = FSMField(_("state"), default="draft", choices=StatementState.choices, protected=True)
    total = models.DecimalField(_("total"), **MONEY, default=0)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    data_as_of = models.DateTimeField(_("data as of"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    confirm_by = models.DateField(_("confirm by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    due_on = models.DateField(_("payable by"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    report_run = models.ForeignKey(
        "courier.ReportRun",
        verbose_name=_("stored export"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner__isnull=False) & Q(station__isnull=True))
                | (Q(partner__isnull=True) & Q(station__isnull=False)),
                name="statement_one_counterparty",
            ),
            models.UniqueConstraint(
                fields=["partner", "period_kind", "period_start", "version"],
                condition=Q(partner__isnull=False),
                name="statement_partner_period_version",
            ),
            models.UniqueConstraint(
                fields=["station", "period_kind", "period_start", "version"],
                condition=Q(station__isnull=False),
                name="statement_station_period_version",
            ),
        ]
        indexes = [models.Index(fields=["partner", "state"]), models.Index(fields=["state"])]

    def __str__(self):
        return self.number

    @property
    def counterparty(self):
        return self.partner or self.station

    @transition(field=state, source="draft", target="issued", permission=P_MANAGE)
    def issue(self):
        pass

    @transition(field=state, source="issued", target="confirmed")
    def confirm(self):
        pass

    @transition(field=state, source=["issued", "disputed"], target="disputed")
    def dispute(self):
        pass

    @transition(field=state, source="disputed", target="superseded", permission=P_MANAGE)
    def supersede(self):
        pass

    @transition(field=state, source="confirmed", target="settled", permission=P_MANAGE)
    def settle(self):
        pass

    @transition(field=state, source="settled", target="closed", permission=P_MANAGE)
    def close(self):
        pass


class StatementLine(models.Model):
    """One line: a shipment's fees in the period (weight and amount, so both sides can check
    it) or a credit/debit note of a resolved dispute. The partner confirms or disputes it."""

    class Kind(models.TextChoices):
        SHIPMENT = "shipment", _("Shipment")
        NOTE = "note", _("Credit or debit note")

    class PartnerState(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="lines"
    )
    number = models.PositiveIntegerField(_("line"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default="shipment")
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    waybill_number = models.CharField(_("waybill number"), max_length=20, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    weight_kg = models.DecimalField(_("chargeable weight (kg)"), **KG, null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    receipt_signed = models.BooleanField(_("signed receipt (回单)"), null=True, blank=True)
    partner_state = models.CharField(
        _("partner's answer"), max_length=10, choices=PartnerState.choices, default="open"
    )

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="statementline_number"),
        ]

    def __str__(self):
        return f"{self.statement_id}#{self.number}"


class StatementDispute(FSMModelMixin, models.Model):
    """FIN-04: a dispute of a line or a whole statement, with evidence, the role responsible,
    a due date and the outcome (upheld, rejected, split) settled by a note on the ledger."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")
        SPLIT = "split", _("Split")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    class Role(models.TextChoices):
        FINANCE = "finance", _("Finance")
        SUPERVISOR = "supervisor", _("CS supervisor")
        MANAGER = "manager", _("CS manager")

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="disputes"
    )
    line = models.ForeignKey(
        StatementLine,
        verbose_name=_("line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
    )
    disputed_amount = models.DecimalField(_("disputed amount"), **MONEY)
    their_amount = models.DecimalField(_("their figure"), **MONEY, null=True, blank=True)
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    responsible_role = models.CharField(
        _("responsible role"), max_length=12, choices=Role.choices, default="finance"
    )
    due_at = models.DateTimeField(_("answer due"), db_index=True)
    state = FSMField(_("state"), default="open", choices=State.choices, protected=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    granted_amount = models.DecimalField(_("granted"), **MONEY, null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statement dispute")
        verbose_name_plural = _("statement disputes")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | ~Q(outcome=""), name="dispute_resolved_outcome"
            ),
        ]

    def __str__(self):
        return f"{self.statement_id} #{self.pk}"

    @transition(field=state, source="open", target="resolved", permission="courier.approve_finance")
    def resolve(self):
        pass


class ReconciliationItem(models.Model):
    """FIN-03: one waybill of the line-by-line check against the partner's own figures; open
    items are followed up until closed."""

    class Result(models.TextChoices):
        MATCHED = "matched", _("Matched")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amount mismatch")
        WEIGHT_MISMATCH = "weight_mismatch", _("Weight mismatch")
        MISSING_OURS = "missing_ours", _("Missing on our side")
        MISSING_THEIRS = "missing_theirs", _("Missing on theirs")

    statement = models.ForeignKey(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="reconciliation_items",
    )
    waybill_number = models.CharField(_("waybill number"), max_length=20)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    our_weight_kg = models.DecimalField(_("our weight"), **KG, null=True, blank=True)
    our_amount = models.DecimalField(_("our amount"), **MONEY, null=True, blank=True)
    their_weight_kg = models.DecimalField(_("their weight"), **KG, null=True, blank=True)
    their_amount = models.DecimalField(_("their amount"), **MONEY, null=True, blank=True)
    is_open = models.BooleanField(_("open"), default=True, db_index=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reconciliation item")
        verbose_name_plural = _("reconciliation items")
        ordering = ["statement", "waybill_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "waybill_number"], name="reconciliation_unique"
            )
        ]

    def __str__(self):
        return f"{self.waybill_number} {self.result}"


class BankTransferCustomer(models.Model):
    """FIN-05: the bank-transfer register (銀行轉賬明細表): who pays by transfer, from which
    account."""

    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    account_name = models.CharField(_("account name"), max_length=100)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    account_last4 = models.CharField(_("account (last 4)"), max_length=4, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank-transfer customer")
        verbose_name_plural = _("bank-transfer customers")
        ordering = ["partner__code", "account_name"]

    def __str__(self):
        return f"{self.account_name} ({self.partner_id})"


class BankTransferOrder(FSMModelMixin, models.Model):
    """FIN-05: an order of a bank-transfer customer followed until its transfer goes through:
    awaiting until a bank line naming its waybill with its amount is imported (or finance
    matches one by hand), then paid; past its due date it shows in finance's overdue list."""

    class State(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting transfer")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(
        BankTransferCustomer,
        verbose_name=_("bank-transfer customer"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    partner = models.ForeignKey(
        "courier.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    waybill_number = models.CharField(_("waybill number"), max_length=20)
    amount = models.DecimalField(_("amount expected"), **MONEY)
    due_on = models.DateField(_("transfer due by"), db_index=True)
    state = FSMField(_("state"), default="awaiting", choices=State.choices, protected=True)
    bank_transaction = models.OneToOneField(
        "courier.BankTransaction",
        verbose_name=_("bank transaction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfer_order",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank-transfer order")
        verbose_name_plural = _("bank-transfer orders")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transferorder_positive"),
            models.UniqueConstraint(
                fields=["shipment"],
                condition=Q(state="awaiting") | Q(state="paid"),
                name="transferorder_one_per_shipment",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self):
        return f"{self.waybill_number} {self.amount}"

    @transition(field=state, source="awaiting", target="paid")
    def pay(self):
        pass

    @transition(field=state, source="awaiting", target="cancelled")
    def cancel(self):
        pass


class BankTransaction(FSMModelMixin, models.Model):
    """FIN-05: one line of an imported bank statement, unique by the bank's id; matched to an
    open statement or taken as a prepayment, else it waits in finance's unmatched queue."""

    class State(models.TextChoices):
        UNMATCHED = "unmatched", _("Unmatched")
        MATCHED = "matched", _("Matched")
        IGNORED = "ignored", _("Ignored")

    bank_id = models.CharField(_("bank transaction id"), max_length=64, unique=True)
    booked_on = models.DateField(_("booked on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    payer_name = models.CharField(_("payer"), max_length=100, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    state = FSMField(_("state"), default="unmatched", choices=State.choices, protected=True)
    statement = models.ForeignKey(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_transactions",
    )
    ledger_entry = models.OneToOneField(
        "courier.LedgerEntry",
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_transaction",
    )
    import_sha256 = models.CharField(_("imported file SHA-256"), max_length=64)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("matched by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["-booked_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="banktxn_incoming"),
        ]

    def __str__(self):
        return f"{self.bank_id} {self.amount}"

    @transition(field=state, source="unmatched", target="matched")
    def match(self):
        pass

    @transition(field=state, source="unmatched", target="ignored")
    def ignore(self):
        pass
