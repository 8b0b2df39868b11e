"""Stations (SHP-09, SHP-10): inbound and outbound checks, counter pickup, COD to finance."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def private_upload_to(instance, filename: str) -> str:
    """A random name under the private storage; the uploaded name may hold personal data."""
    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    folder = instance.__class__.__name__.lower()
    return f"evidence/{folder}/{uuid.uuid4().hex}.{ext}"


class Station(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("city"), max_length=32)
    district = models.CharField(_("district"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # ORG-04: each station has a head (站点负责人) who answers chasing and signs the month-end
    # order inventory; the contact details are what the desk calls.
    head_name = models.CharField(_("station head"), max_length=100, blank=True)
    head_phone = models.CharField(_("station head's phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class StationScan(models.Model):
    """SHP-10: one inbound or outbound check at a station; an append-only ledger."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        related_name="station_scans",
    )
    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="scans"
    )
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    intact = models.BooleanField(_("parcel intact"))
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=9,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    label_ok = models.BooleanField(_("label attached"), default=True)
    shelf_location = models.CharField(_("shelf location"), max_length=32, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    source = models.CharField(_("source / destination"), max_length=100)
    scanned_at = models.DateTimeField(_("time"))
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("station scan")
        verbose_name_plural = _("station scans")
        ordering = ["scanned_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight_kg__gt=0), name="stationscan_weight_pos"
            ),
            models.CheckConstraint(
                condition=~models.Q(direction="inbound") | ~models.Q(shelf_location=""),
                name="stationscan_inbound_shelved",
            ),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.station_id} {self.scanned_at:%Y-%m-%d %H:%M}"


class CounterPickup(models.Model):
    """SHP-09: the recipient collects at the station counter with ID, signs, pays COD."""

    shipment = models.OneToOneField(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        related_name="counter_pickup",
    )
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT)
    picker_name = models.CharField(_("collected by"), max_length=100)
    id_number_masked = models.CharField(_("ID number (masked)"), max_length=32)
    signature = models.FileField(_("signature"), upload_to=private_upload_to, blank=True)
    signature_sha256 = models.CharField(_("signature SHA-256"), max_length=64, blank=True)
    cod_collected = models.DecimalField(
        _("COD collected"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    picked_up_at = models.DateTimeField(_("collected at"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("counter pickup")
        verbose_name_plural = _("counter pickups")

    def __str__(self):
        return f"{self.shipment_id} {self.picked_up_at:%Y-%m-%d}"


class CashHandover(models.Model):
    """SHP-09 / DLV-05: cash on delivery collected and handed to finance, as a record."""

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        related_name="cash_handovers",
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    collected_at = models.DateTimeField(_("collected at"))
    handed_to_finance_at = models.DateTimeField(_("handed to finance at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by (finance)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("COD handover")
        verbose_name_plural = _("COD handovers")
        ordering = ["-collected_at"]
        permissions = [("receive_cashhandover", _("Can receive COD cash (finance)"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="cashhandover_amount_pos")
        ]

    def __str__(self):
        return f"{self.shipment_id} {self.amount}"
