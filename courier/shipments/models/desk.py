"""The order desk (SHP-05..07, SHP-13, SHP-14): remark templates, refund hand-overs to
after-sales, the warehouse's stock confirmations, transport-mode rules and choices, and the
printing desk's dated and signed print batches."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from courier.shipments import rules

from .orders import TransportMode


class RemarkTemplate(models.Model):
    """SHP-06/SHP-13: the documented text of each remark and desk notice, edited in the admin;
    seeded with the handbook's wording. ``{date}`` and ``{name}`` sign a remark (P4)."""

    KEYS = [(k, k) for k in rules.REMARK_TEMPLATES]

    key = models.CharField(_("key"), max_length=32, unique=True, choices=KEYS)
    text = models.CharField(_("text"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("remark template")
        verbose_name_plural = _("remark templates")
        ordering = ["key"]

    def __str__(self):
        return self.key

    def clean(self):
        if self.key not in rules.REMARK_TEMPLATES:
            return
        problems = rules.remark_template_problems(self.key, self.text)
        if problems:
            names = sorted(rules.REMARK_TEMPLATES[self.key][0])
            allowed = ", ".join("{" + name + "}" for name in names)
            raise ValidationError(
                {
                    "text": _(
                        "The template may use only %(allowed)s, must keep {date} and {name} "
                        "where it has them, and its braces must match (%(problems)s)."
                    )
                    % {"allowed": allowed, "problems": "; ".join(problems)}
                }
            )


class RefundTask(models.Model):
    """SHP-07: a cancelled paid order's refund, handed to after-sales with an owner and a due
    time ("确认已作废之后通知售后客服处理退款"); what was retrieved is torn up or restocked."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Refund handled")

    class Disposition(models.TextChoices):
        DESTROYED = rules.DESTROYED, _("Papers torn up")
        RESTOCKED = rules.RESTOCKED, _("Goods returned to stock")

    order = models.ForeignKey(
        "courier.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="+"
    )
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        related_name="refund_tasks",
    )
    stage = models.CharField(_("stage when cancelled"), max_length=16)
    text = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due at"), db_index=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default="open")
    done_at = models.DateTimeField(_("refund handled at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refund handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    disposition = models.CharField(
        _("retrieved papers / goods"), max_length=10, choices=Disposition.choices, blank=True
    )
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("refund task")
        verbose_name_plural = _("refund tasks")
        ordering = ["state", "due_at"]

    def __str__(self):
        return self.text[:60]

    @property
    def needs_disposition(self) -> bool:
        return bool(rules.retrieval_dispositions(self.stage)) and not self.disposition


class StockConfirmation(models.Model):
    """SHP-08/SHP-13: the warehouse's answer on stock for an urgent order, before a date is
    promised."""

    order = models.ForeignKey(
        "courier.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="stock_confirmations",
    )
    in_stock = models.BooleanField(_("in stock"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock confirmation")
        verbose_name_plural = _("stock confirmations")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.order_id}: {self.in_stock}"


class TransportGround(models.TextChoices):
    """SHP-05: the four grounds of the choice."""

    COST = rules.COST, _("Cost")
    TIME = rules.TIME, _("Time")
    SAFETY = rules.SAFETY, _("Safety")
    CUSTOMER = rules.CUSTOMER_NEED, _("Customer's requirement")


class TransportModeRule(models.Model):
    """SHP-05: when every bound holds, the mode is suggested on its ground; the first active
    rule by priority decides. Dangerous goods are never suggested air, whatever the rule."""

    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    mode = models.CharField(_("transport mode"), max_length=8, choices=TransportMode.choices)
    ground = models.CharField(_("ground"), max_length=10, choices=TransportGround.choices)
    max_hours_to_arrival = models.PositiveIntegerField(
        _("required arrival within (hours)"), null=True, blank=True
    )
    min_weight_kg = models.DecimalField(
        _("weight from (kg)"),
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    max_weight_kg = models.DecimalField(
        _("weight up to (kg)"),
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fragile = models.BooleanField(_("fragile goods"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transport mode rule")
        verbose_name_plural = _("transport mode rules")
        ordering = ["priority", "id"]

    def __str__(self):
        return f"{self.priority}: {self.get_mode_display()} ({self.get_ground_display()})"

    def as_rule(self) -> rules.ModeRule:
        return rules.ModeRule(
            self.pk,
            self.mode,
            self.ground,
            self.max_hours_to_arrival,
            self.min_weight_kg,
            self.max_weight_kg,
            self.fragile,
        )


class TransportChoice(models.Model):
    """SHP-05: who chose the order's transport mode, on which ground and why, and what the
    rules suggested then."""

    order = models.ForeignKey(
        "courier.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="transport_choices",
    )
    mode = models.CharField(_("transport mode"), max_length=8, choices=TransportMode.choices)
    ground = models.CharField(_("ground"), max_length=10, choices=TransportGround.choices)
    reason = models.CharField(_("reason"), max_length=300)
    suggested_mode = models.CharField(
        _("suggested mode"), max_length=8, choices=TransportMode.choices
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    chosen_at = models.DateTimeField(_("chosen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transport mode choice")
        verbose_name_plural = _("transport mode choices")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.order_id}: {self.mode}"


class PrintBatch(models.Model):
    """SHP-14: each day's printed orders clipped with a note of the date and the printer's
    signature; each day's exchange shipments clipped with the batch's date."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily print batch")
        EXCHANGE = "exchange", _("Exchange batch")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    batch_date = models.DateField(_("batch date"))
    signed_name = models.CharField(_("signature"), max_length=100, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    stored_at = models.CharField(_("stored at"), max_length=100, blank=True)
    print_deadline = models.TimeField(_("print deadline"))
    late_count = models.PositiveIntegerField(_("printed after the deadline"), default=0)
    shipments = models.ManyToManyField(
        "courier.Shipment", verbose_name=_("shipments"), related_name="print_batches"
    )

    class Meta:
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")
        ordering = ["-batch_date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "batch_date"], name="printbatch_kind_day"),
            models.CheckConstraint(
                condition=~models.Q(kind="daily") | ~models.Q(signed_name=""),
                name="printbatch_daily_signed",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.batch_date:%Y-%m-%d}"
