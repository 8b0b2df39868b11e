"""Delivery with proof (DLV-01..05): authorisations, attempts, evidence photos."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .stations import private_upload_to


class DeliveryAuthorisation(models.Model):
    """DLV-01: an alternative recipient the merchant authorised, recorded before delivery."""

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        related_name="authorisations",
    )
    authorised_name = models.CharField(_("authorised recipient"), max_length=100)
    authorised_phone = models.CharField(_("authorised recipient phone"), max_length=32, blank=True)
    merchant_contact = models.CharField(_("authorised by (merchant contact)"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery authorisation")
        verbose_name_plural = _("delivery authorisations")
        ordering = ["recorded_at"]

    def __str__(self):
        return self.authorised_name


class DeliveryAttempt(models.Model):
    """One try to deliver: outcome, who signed, the inspection, the signing time."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    attempted_at = models.DateTimeField(_("attempted at"))
    courier_name = models.CharField(_("courier"), max_length=100, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signer_is_recipient = models.BooleanField(_("signer is the named recipient"), default=True)
    authorisation = models.ForeignKey(
        DeliveryAuthorisation,
        verbose_name=_("authorisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attempts",
    )
    # DLV-02: appearance and count only, never product quality.
    packing_intact = models.BooleanField(_("outer packing intact"), null=True)
    count_matches = models.BooleanField(_("count matches packing list"), null=True)
    appearance_ok = models.BooleanField(_("contents' appearance fine"), null=True)
    inspection_abnormal = models.BooleanField(_("inspection abnormal"), default=False)
    inspection_note = models.CharField(_("inspection note"), max_length=500, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signature = models.FileField(_("signature"), upload_to=private_upload_to, blank=True)
    signature_sha256 = models.CharField(_("signature SHA-256"), max_length=64, blank=True)
    cod_collected = models.DecimalField(
        _("COD collected"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "number"], name="attempt_number_unique"),
            # DLV-01: a signer other than the recipient needs a recorded authorisation.
            models.CheckConstraint(
                condition=Q(signer_is_recipient=True) | Q(authorisation__isnull=False),
                name="attempt_proxy_needs_authorisation",
            ),
            # DLV-05: a delivery carries the signer and the signing time.
            models.CheckConstraint(
                condition=~Q(outcome="delivered")
                | (~Q(signer_name="") & Q(signed_at__isnull=False)),
                name="attempt_delivered_signed",
            ),
        ]

    def __str__(self):
        return f"{self.shipment_id} #{self.number} {self.outcome}"


class EvidencePhoto(models.Model):
    """DLV-04 / INC-03: a photo kept as evidence, stored privately with its SHA-256."""

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    attempt = models.ForeignKey(
        DeliveryAttempt,
        verbose_name=_("delivery attempt"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    exception = models.ForeignKey(
        "courier.DeliveryException",
        verbose_name=_("exception"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    return_request = models.ForeignKey(
        "courier.ReturnRequest",
        verbose_name=_("return request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    file = models.FileField(_("file"), upload_to=private_upload_to, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("taken at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ["taken_at", "id"]

    def __str__(self):
        return f"{self.sha256[:12]} {self.caption}"
