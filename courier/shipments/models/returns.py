"""Returns and exchanges (RET-02..07) and the recall of shipped parcels (RET-01)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from courier.shipments import rules


class ReturnState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    IN_TRANSIT = "in_transit", _("Return in transit")
    RECEIVED = "received", _("Received")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGE_SHIPPED = "exchange_shipped", _("Exchange shipped")
    EXCHANGE_DELIVERED = "exchange_delivered", _("Exchange delivered")
    REJECTED = "rejected", _("Rejected")


class Payer(models.TextChoices):
    COMPANY = rules.COMPANY, _("Company")
    CUSTOMER = rules.CUSTOMER, _("Customer")


class UnphotographablePart(models.TextChoices):
    """RET-02 / A4: where a quality defect cannot be photographed."""

    LINING = "lining", _("Lining (内里)")
    INSOLE = "insole", _("Insole (鞋垫)")
    OTHER = "other", _("Other part that cannot be photographed")


class ReturnRequest(FSMModelMixin, models.Model):
    class Kind(models.TextChoices):
        RETURN = "return", _("Return (refund)")
        EXCHANGE = "exchange", _("Exchange")

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("original shipment"),
        on_delete=models.PROTECT,
        related_name="return_requests",
    )
    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="return_requests",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = FSMField(
        _("state"), default="requested", choices=ReturnState.choices, protected=True, db_index=True
    )
    quality_problem = models.BooleanField(_("quality problem claimed"), default=False)
    reason = models.TextField(_("reason"))
    # RET-02: the customer's photo, verified before acceptance.
    photo_verified_at = models.DateTimeField(_("quality photo verified at"), null=True, blank=True)
    photo_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quality photo verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # RET-02 / A4: a defect that cannot be photographed (linings, insoles: "内里、鞋垫等质量问题无法
    # 拍照的情况除外") is accepted with the reason recorded instead of a photo.
    photo_waiver_part = models.CharField(
        _("defect that cannot be photographed"),
        max_length=16,
        choices=UnphotographablePart.choices,
        blank=True,
    )
    photo_waiver_reason = models.TextField(_("why no photo"), blank=True)
    photo_waived_at = models.DateTimeField(_("accepted without photo at"), null=True, blank=True)
    photo_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted without photo by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # RET-05: the service card enclosed by the customer.
    customer_ref = models.CharField(_("customer ID"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    wanted_item = models.CharField(_("wanted item"), max_length=200, blank=True)
    return_waybill_number = models.CharField(_("return waybill number"), max_length=40, blank=True)
    # RET-04: computed when the request is approved.
    return_leg_payer = models.CharField(
        _("return freight paid by"), max_length=10, choices=Payer.choices, blank=True
    )
    outbound_leg_payer = models.CharField(
        _("exchange freight paid by"), max_length=10, choices=Payer.choices, blank=True
    )
    refund_return_freight = models.BooleanField(_("refund prepaid return freight"), default=False)
    return_freight_amount = models.DecimalField(
        _("return freight prepaid"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # RET-03 / RET-06: warehouse inspection and sign-off.
    intact = models.BooleanField(_("goods intact"), null=True)
    box_complete = models.BooleanField(_("box complete"), null=True)
    resaleable = models.BooleanField(_("resaleable"), null=True)
    received_at = models.DateTimeField(_("return received at"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspected by (warehouse)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refund_amount = models.DecimalField(
        _("refund amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    exchange_shipment = models.OneToOneField(
        "courier.Shipment",
        verbose_name=_("exchange shipment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_for",
    )
    # RET-07: a supervisor's approval to ship the exchange before the return arrives.
    early_exchange_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("early exchange approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    early_exchange_approved_at = models.DateTimeField(
        _("early exchange approved at"), null=True, blank=True
    )
    early_exchange_note = models.CharField(_("early exchange reason"), max_length=300, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return / exchange")
        verbose_name_plural = _("returns and exchanges")
        ordering = ["-id"]
        permissions = [
            ("approve_early_dispatch", _("Can approve shipping an exchange before the return")),
            ("sign_goods_inspection", _("Can inspect returned goods (warehouse)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="approved")
                | Q(quality_problem=False)
                | Q(photo_verified_at__isnull=False)
                | (Q(photo_waived_at__isnull=False) & ~Q(photo_waiver_reason="")),
                name="return_quality_needs_photo",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.shipment_id}"

    @property
    def return_received(self) -> bool:
        return self.received_at is not None

    @transition(field=state, source="requested", target="approved")
    def approve(self):
        pass

    @transition(field=state, source=["requested", "approved", "in_transit"], target="rejected")
    def reject(self):
        pass

    @transition(field=state, source="approved", target="in_transit")
    def register_return_waybill(self):
        pass

    @transition(field=state, source="in_transit", target="received")
    def receive(self):
        pass

    @transition(field=state, source="received", target="refunded")
    def refund(self):
        pass

    @transition(
        field=state, source=["approved", "in_transit", "received"], target="exchange_shipped"
    )
    def ship_exchange(self):
        pass

    @transition(field=state, source="exchange_shipped", target="exchange_delivered")
    def deliver_exchange(self):
        pass


class RecallSlip(FSMModelMixin, models.Model):
    """RET-01: a two-part return slip; the courier signs part one, kept by the printing desk;
    when the parcel comes back the desk signs "original parcel received", name and date."""

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued to courier")
        RECEIVED = "received", _("Original parcel received")
        REFUNDED = "refunded", _("Refunded")

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        related_name="recall_slips",
    )
    state = FSMField(_("state"), default="issued", choices=State.choices, protected=True)
    reason = models.CharField(_("reason"), max_length=300)
    courier_name = models.CharField(_("courier who signed part one"), max_length=100)
    courier_signed_at = models.DateTimeField(_("courier signed at"))
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("part one kept by (printing desk)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_name = models.CharField(
        _("original parcel received — name"), max_length=100, blank=True
    )
    received_on = models.DateField(_("original parcel received — date"), null=True, blank=True)
    refund_amount = models.DecimalField(
        _("refund amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by (after-sales)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recall slip")
        verbose_name_plural = _("recall slips")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="issued") | (~Q(received_name="") & Q(received_on__isnull=False)),
                name="recallslip_received_signed",
            ),
        ]

    def __str__(self):
        return f"{_('Recall slip')} {self.pk}"

    @property
    def slip_number(self) -> str:
        return f"R{self.pk:08d}" if self.pk else ""

    @transition(field=state, source="issued", target="received")
    def receive_original(self):
        pass

    @transition(field=state, source="received", target="refunded")
    def refund(self):
        pass
