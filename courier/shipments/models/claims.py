"""Shipment exceptions (INC-03, INC-04) and what they lead to: insurance claims for damage,
compensation proposals for loss. Complaints build approvals on these."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords


class DeliveryException(FSMModelMixin, models.Model):
    """An abnormal parcel (问题件) registered by category, handled, reported back."""

    class Kind(models.TextChoices):
        DAMAGE = "damage", _("Damage")
        LOSS = "loss", _("Loss")
        DELAY = "delay", _("Delay")
        ADDRESS_ERROR = "address_error", _("Address error")
        REFUSED = "refused", _("Refused")
        RECIPIENT_ABSENT = "recipient_absent", _("Recipient absent")
        WEATHER = "weather", _("Weather / natural disaster")
        TRAFFIC_CONTROL = "traffic_control", _("Traffic control")
        INSPECTION = "inspection", _("Abnormal inspection at delivery")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLED = "handled", _("Handled")
        CLOSED = "closed", _("Closed")

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        related_name="exceptions",
    )
    kind = models.CharField(_("category"), max_length=16, choices=Kind.choices)
    cause = models.TextField(_("cause"))
    handling = models.TextField(_("handling"), blank=True)
    result = models.TextField(_("result"), blank=True)
    state = FSMField(_("state"), default="open", choices=State.choices, protected=True)
    customer_informed_at = models.DateTimeField(_("customer informed at"), null=True, blank=True)
    reported_to_network_at = models.DateTimeField(
        _("reported back to network point at"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shipment exception")
        verbose_name_plural = _("shipment exceptions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["kind", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.shipment_id}"

    @transition(field=state, source="open", target="handled")
    def handle(self):
        pass

    @transition(field=state, source=["open", "handled"], target="closed")
    def close(self):
        pass


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


class InsuranceClaim(models.Model):
    """INC-03: damage → an insurance claim, always backed by photos."""

    exception = models.OneToOneField(
        DeliveryException,
        verbose_name=_("exception"),
        on_delete=models.PROTECT,
        related_name="insurance_claim",
    )
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        related_name="insurance_claims",
    )
    amount = models.DecimalField(
        _("claimed amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ClaimStatus.choices, default="open"
    )
    note = models.TextField(_("note"), blank=True)
    photo_count = models.PositiveSmallIntegerField(_("photos at filing"))
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
        verbose_name = _("insurance claim")
        verbose_name_plural = _("insurance claims")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(photo_count__gte=1), name="insuranceclaim_has_photos"
            ),
        ]

    def __str__(self):
        return f"{_('Insurance claim')} {self.shipment_id} {self.amount}"


class CompensationProposal(models.Model):
    """INC-03: loss → a compensation proposal."""

    exception = models.OneToOneField(
        DeliveryException,
        verbose_name=_("exception"),
        on_delete=models.PROTECT,
        related_name="compensation_proposal",
    )
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        related_name="compensation_proposals",
    )
    amount = models.DecimalField(
        _("proposed amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ClaimStatus.choices, default="open"
    )
    note = models.TextField(_("note"), blank=True)
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
        verbose_name = _("compensation proposal")
        verbose_name_plural = _("compensation proposals")
        ordering = ["-id"]

    def __str__(self):
        return f"{_('Compensation')} {self.shipment_id} {self.amount}"
