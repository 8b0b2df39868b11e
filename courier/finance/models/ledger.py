"""The prepayment ledger (预付款臺賬, FIN-02): append-only entries per partner, allocations of
charges to payments, credit holds and credit assessments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from courier.finance.models.fees import MONEY, NON_NEGATIVE, SHARE


class AppendOnlyError(Exception):
    """A ledger row was about to be changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("ledger rows are append-only: post a reversing entry")

    def delete(self):
        raise AppendOnlyError("ledger rows are append-only: post a reversing entry")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("ledger rows are append-only: post a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ledger rows are append-only: post a reversing entry")


class LedgerEntry(AppendOnly):
    """One movement on a partner's account. ``amount`` is what the partner owes more (+) or less
    (−): a charge or a debit note is positive, a top-up or a credit note negative, a refund paid
    back to the partner positive. The balance is the sum: negative while prepaid funds remain."""

    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("Top-up (prepayment)")
        CHARGE = "charge", _("Charge")
        REFUND = "refund", _("Refund")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REVERSAL = "reversal", _("Reversal")
        CREDIT_NOTE = "credit_note", _("Credit note")
        DEBIT_NOTE = "debit_note", _("Debit note")

    class Purpose(models.TextChoices):
        """FIN-02: what a prepayment is for."""

        DEPOSIT = "deposit", _("Deposit")
        FREIGHT = "freight", _("Freight prepayment")
        INSURANCE = "insurance", _("Insurance")
        NONE = "", _("—")

    partner = models.ForeignKey(
        "courier.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    purpose = models.CharField(
        _("prepayment for"), max_length=10, choices=Purpose.choices, blank=True, default=""
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    statement = models.ForeignKey(
        "courier.Statement",
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    dispute = models.ForeignKey(
        "courier.StatementDispute",
        verbose_name=_("dispute"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["partner", "created_at", "id"]
        indexes = [models.Index(fields=["partner", "kind"])]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledgerentry_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind="reversal") | Q(reverses__isnull=False),
                name="ledgerentry_reversal_names_entry",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["top_up", "credit_note"]) | Q(amount__lt=0),
                name="ledgerentry_payments_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["charge", "debit_note", "refund"]) | Q(amount__gt=0),
                name="ledgerentry_charges_positive",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class LedgerAllocation(AppendOnly):
    """How a payment (top-up or credit note) is used: ``amount`` of it pays ``charge``."""

    charge = models.ForeignKey(
        LedgerEntry, verbose_name=_("charge"), on_delete=models.PROTECT, related_name="paid_by"
    )
    payment = models.ForeignKey(
        LedgerEntry, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="pays"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    created_at = models.DateTimeField(_("allocated at"))

    class Meta:
        verbose_name = _("ledger allocation")
        verbose_name_plural = _("ledger allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive"),
            models.UniqueConstraint(fields=["charge", "payment"], name="allocation_unique"),
        ]

    def __str__(self):
        return f"{self.payment_id}→{self.charge_id} {self.amount}"


class CreditHold(FSMModelMixin, models.Model):
    """FIN-02: a shipment that would take the partner over its credit terms is held (not lost)
    until finance releases it, with the override recorded, or cancels it."""

    class State(models.TextChoices):
        HELD = "held", _("Held")
        RELEASED = "released", _("Released")
        CANCELLED = "cancelled", _("Cancelled")

    shipment = models.OneToOneField(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        related_name="credit_hold",
    )
    partner = models.ForeignKey(
        "courier.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("shipment fees"), **MONEY)
    exposure = models.DecimalField(_("exposure before"), **MONEY)
    reasons = models.JSONField(_("reasons"), default=list)
    state = FSMField(_("state"), default="held", choices=State.choices, protected=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("held at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit hold")
        verbose_name_plural = _("credit holds")
        ordering = ["-id"]
        indexes = [models.Index(fields=["partner", "state"])]

    def __str__(self):
        return f"{self.shipment_id} {self.state}"

    @transition(field=state, source="held", target="released")
    def release(self):
        pass

    @transition(field=state, source="held", target="cancelled")
    def cancel(self):
        pass


class CreditAssessment(FSMModelMixin, models.Model):
    """FIN-02: a customer credit assessment with its basis; once approved by a manager, its
    limit, ratio and amount limit become the partner's terms."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Grade(models.TextChoices):
        A = "A", _("A: low risk")
        B = "B", _("B: moderate risk")
        C = "C", _("C: high risk")
        D = "D", _("D: prepay only")

    partner = models.ForeignKey(
        "courier.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    basis = models.TextField(_("basis"))
    credit_limit = models.DecimalField(_("credit limit"), **MONEY, validators=NON_NEGATIVE)
    prepayment_ratio = models.DecimalField(
        _("prepayment ratio"), max_digits=4, decimal_places=3, validators=SHARE
    )
    max_shipment_amount = models.DecimalField(
        _("largest shipment amount"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE
    )
    state = FSMField(_("state"), default="proposed", choices=State.choices, protected=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("assessed at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit assessment")
        verbose_name_plural = _("credit assessments")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.partner_id} {self.grade}"

    @transition(field=state, source="proposed", target="approved")
    def approve(self):
        pass

    @transition(field=state, source="proposed", target="rejected")
    def reject(self):
        pass
