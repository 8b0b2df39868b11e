"""Orders (SHP-01..05, SHP-08): who sends what to whom, verified before dispatch."""

import datetime
import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from courier.core.masking import mask_phones_in_text
from courier.shipments import rules


def validate_phone(value: str) -> None:
    if not rules.phone_is_valid(value):
        raise ValidationError(
            _("Enter a Chinese mobile (e.g. 13812345678) or landline (e.g. 010-12345678) number."),
            code="invalid_phone",
        )


class Channel(models.TextChoices):
    """SHP-01: where the order came in."""

    TAOBAO = "taobao", _("Taobao")
    JD = "jd", _("JD")
    AMAZON = "amazon", _("Amazon")
    OTHER_PLATFORM = "platform", _("Other e-commerce platform")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    QQ = "qq", _("QQ")
    API = "api", _("Partner API")


class TransportMode(models.TextChoices):
    """SHP-05."""

    ROAD = "road", _("Road")
    AIR = "air", _("Air")
    RAIL = "rail", _("Rail")
    SEA = "sea", _("Sea")


class DispatchSettings(models.Model):
    """SHP-08 and SHP-11 numbers, one row (pk=1) edited in the admin."""

    cutoff_time = models.TimeField(_("same-day dispatch cut-off"), default=datetime.time(16, 0))
    made_to_order_hours = models.PositiveSmallIntegerField(
        _("made-to-order dispatch within (hours)"), default=48
    )
    invalid_abandon_days = models.PositiveSmallIntegerField(
        _("void waybills of invalid orders untouched for (days)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_(
            "SHP-11: the nightly clean-up voids never-printed waybills of orders whose "
            "verification failed or never finished and that nobody touched for this long."
        ),
    )
    print_deadline = models.TimeField(
        _("daily print deadline"),
        default=datetime.time(17, 0),
        help_text=_("D1: the day's orders are printed by this time of day."),
    )
    refund_task_hours = models.PositiveSmallIntegerField(
        _("refund after a void due within (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("SHP-07: after-sales handles the refund of a voided order within this."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dispatch settings")
        verbose_name_plural = _("dispatch settings")

    def __str__(self):
        return str(_("Dispatch settings"))

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        type(self).cache_clear()
        transaction.on_commit(type(self).cache_clear)  # in case another thread re-read it

    # Every order intake reads this row; each process keeps it for a few seconds rather than
    # paying a query per order. An edit in the admin reaches every process within CACHE_SECONDS.
    CACHE_SECONDS = 30.0
    _cached: tuple[float, "DispatchSettings"] | None = None

    @classmethod
    def current(cls) -> "DispatchSettings":
        """The settings row (read-only: edit it through the admin or ``save``)."""
        cached = cls._cached
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        obj, _created = cls.objects.get_or_create(pk=1)
        cls._cached = (now + cls.CACHE_SECONDS, obj)
        return obj

    @classmethod
    def cache_clear(cls) -> None:
        cls._cached = None


class Order(models.Model):
    """A paid order to be shipped; sender and recipient are personal data (SHP-11, DLV-06)."""

    class Verification(models.TextChoices):
        PENDING = "pending", _("Pending")
        VERIFIED = "verified", _("Verified")
        EXCEPTION = "exception", _("Exception")

    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    partner_ref = models.CharField(_("partner order reference"), max_length=64)
    sender_name = models.CharField(_("sender name"), max_length=100)
    sender_phone = models.CharField(_("sender phone"), max_length=32, validators=[validate_phone])
    sender_province = models.CharField(_("sender province"), max_length=32)
    sender_city = models.CharField(_("sender city"), max_length=32)
    sender_district = models.CharField(_("sender district"), max_length=32)
    sender_address = models.CharField(_("sender address"), max_length=200)
    recipient_name = models.CharField(_("recipient name"), max_length=100)
    recipient_phone = models.CharField(
        _("recipient phone"), max_length=32, validators=[validate_phone]
    )
    recipient_phone_last4 = models.CharField(
        _("recipient phone last 4"), max_length=4, db_index=True, editable=False
    )
    recipient_province = models.CharField(_("recipient province"), max_length=32)
    recipient_city = models.CharField(_("recipient city"), max_length=32)
    recipient_district = models.CharField(_("recipient district"), max_length=32)
    recipient_address = models.CharField(_("recipient address"), max_length=200)
    # SHP-02 cargo facts
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=9,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    volume_m3 = models.DecimalField(
        _("volume (m³)"),
        max_digits=9,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    dangerous_goods = models.BooleanField(_("dangerous goods"), default=False)
    fragile = models.BooleanField(_("fragile"), default=False)
    keep_upright = models.BooleanField(_("keep upright"), default=False)
    moisture_sensitive = models.BooleanField(_("moisture-sensitive"), default=False)
    appearance_requirements = models.CharField(
        _("other appearance requirements"), max_length=200, blank=True
    )
    required_arrival_at = models.DateTimeField(_("required arrival"), null=True, blank=True)
    transport_mode = models.CharField(
        _("transport mode"), max_length=8, choices=TransportMode.choices, default="road"
    )
    goods_amount = models.DecimalField(
        _("order amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    declared_value = models.DecimalField(
        _("declared value (insured)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("The goods' value the sender declares for insurance (FIN-01); empty: none."),
    )
    paid_at = models.DateTimeField(_("paid at"))
    in_stock = models.BooleanField(_("in stock"), default=True)
    made_to_order = models.BooleanField(_("made to order"), default=False)
    promised_dispatch_date = models.DateField(_("promised dispatch date"), null=True, blank=True)
    # SHP-08/SHP-13: a customer in a hurry is promised a date only after the warehouse confirmed
    urgent = models.BooleanField(_("urgent"), default=False)
    verification = models.CharField(
        _("verification"), max_length=12, choices=Verification.choices, default="pending"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(no_db_index=["partner", "recipient_phone_last4", "verified_by"])

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-id"]
        # Staff search a partner reference without knowing the partner (the admin's search).
        indexes = [models.Index(fields=["partner_ref"], name="order_partner_ref_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "partner_ref"], name="order_partner_ref_unique"
            ),
            models.CheckConstraint(condition=models.Q(weight_kg__gt=0), name="order_weight_pos"),
            models.CheckConstraint(
                condition=models.Q(volume_m3__gte=0), name="order_volume_nonneg"
            ),
            models.CheckConstraint(
                condition=models.Q(declared_value__isnull=True) | models.Q(declared_value__gte=0),
                name="order_declared_value_nonneg",
            ),
        ]

    def __str__(self):
        return f"{self.partner_id}/{self.partner_ref}"

    def save(self, *args, **kwargs):
        self.derived_fields_set()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "recipient_phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "recipient_phone_last4"}
        super().save(*args, **kwargs)

    ADDRESS_FIELDS = ("province", "city", "district", "address")

    def derived_fields_set(self) -> None:
        """Fields computed from others; ``save`` calls it, bulk writers must too."""
        self.recipient_phone_last4 = rules.phone_last4(self.recipient_phone)

    def address_parts(self, who: str = "recipient") -> dict[str, str]:
        return {f"{who}_{p}": getattr(self, f"{who}_{p}") for p in self.ADDRESS_FIELDS}


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    name = models.CharField(_("goods"), max_length=200)
    attributes = models.CharField(_("attributes"), max_length=200, blank=True)
    size = models.CharField(_("size"), max_length=40, blank=True)
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    specification = models.CharField(_("specification"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    history = HistoricalRecords(no_db_index=["order"])

    class Meta:
        verbose_name = _("goods line")
        verbose_name_plural = _("goods lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orderline_qty_pos"),
        ]

    def __str__(self):
        return f"{self.name} x{self.quantity}"


class OrderException(FSMModelMixin, models.Model):
    """SHP-04: a verification failure followed to its resolution."""

    class Kind(models.TextChoices):
        OUT_OF_STOCK = rules.OUT_OF_STOCK, _("Out of stock")
        PRICE_ANOMALY = rules.PRICE_ANOMALY, _("Price anomaly")
        ADDRESS_ERROR = rules.ADDRESS_ERROR, _("Address error")
        GOODS_ERROR = rules.GOODS_ERROR, _("Goods or quantity error")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CONTACTED = "contacted", _("Customer contacted")
        RESOLVED = "resolved", _("Resolved")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="exceptions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=500)
    state = FSMField(_("state"), default="open", choices=State.choices, protected=True)
    contacted_at = models.DateTimeField(_("customer contacted at"), null=True, blank=True)
    contact_note = models.TextField(_("contact note"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order exception")
        verbose_name_plural = _("order exceptions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.detail}"

    @transition(field=state, source="open", target="contacted")
    def contact(self):
        pass

    @transition(field=state, source=["open", "contacted"], target="resolved")
    def resolve(self):
        pass


class OrderRemark(models.Model):
    """SHP-06/SHP-13 red-flag remarks ("客户拍下××，要求修改成××，已修改妥当——date name"); the text
    never changes. A remark the printing desk must hear of records the customer's confirmation
    (who, when, how) and the desk instruction that passed it on (P1/P2 judge the ones that were
    not)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        MODIFICATION = "modification", _("Modification")
        SPECIAL_REQUEST = "special", _("Special request")
        CANCELLATION = "cancellation", _("Cancellation")

    class RequestKind(models.TextChoices):
        CARRIER = "carrier", _("Choice of courier")
        INVOICE = "invoice", _("Invoice (title)")
        CARD = "card", _("Greeting card (text)")
        TIME = "time", _("Delivery time slot")
        OTHER = "other", _("Other")

    class Via(models.TextChoices):
        CHAT = "chat", _("Chat (Wangwang)")
        PHONE = "phone", _("Phone")
        SMS = "sms", _("SMS")
        IN_PERSON = "in_person", _("In person")
        PARTNER = "partner", _("Partner system")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="remarks"
    )
    text = models.TextField(_("remark"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default="note")
    red_flag = models.BooleanField(_("red flag"), default=False)
    request_kind = models.CharField(
        _("request"), max_length=8, choices=RequestKind.choices, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    desk_notice_required = models.BooleanField(_("printing desk to be told"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed with the customer at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_via = models.CharField(
        _("confirmed via"), max_length=10, choices=Via.choices, blank=True
    )
    confirmation_note = models.CharField(_("confirmation note"), max_length=300, blank=True)
    desk_instruction = models.ForeignKey(
        "courier.DeskInstruction",
        verbose_name=_("passed on by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remarks",
    )
    passed_to_desk_at = models.DateTimeField(
        _("passed to the printing desk at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(no_db_index=["order", "author", "confirmed_by", "desk_instruction"])

    class Meta:
        verbose_name = _("order remark")
        verbose_name_plural = _("order remarks")
        ordering = ["id"]
        indexes = [models.Index(fields=["desk_notice_required", "passed_to_desk_at"])]

    def __str__(self):
        return mask_phones_in_text(self.text)  # ORG-03: shown in lists and links

    @property
    def desk_notice_pending(self) -> bool:
        return self.desk_notice_required and self.passed_to_desk_at is None
