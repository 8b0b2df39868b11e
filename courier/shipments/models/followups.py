"""RET-08: returned parcels without a service card, difficult parcels (疑难件), forwarded parcels
(转件) and parcels to be returned and re-sent, each followed by after-sales to the end."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords


class ParcelFollowUp(FSMModelMixin, models.Model):
    """One parcel after-sales follows until it is settled (RET-08)."""

    class Kind(models.TextChoices):
        NO_CARD = "no_card", _("Return without service card")
        DIFFICULT = "difficult", _("Difficult parcel (疑难件)")
        FORWARDED = "forwarded", _("Forwarded parcel (转件)")
        RESEND = "resend", _("Return and re-send")

    class State(models.TextChoices):
        OPEN = "open", _("Being followed")
        CLOSED = "closed", _("Settled")

    class Decision(models.TextChoices):
        RETURN = "return", _("Return: after-sales handles it")
        EXCHANGE = "exchange", _("Exchange: printing desk prints the exchange waybill")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    state = FSMField(
        _("state"), max_length=8, choices=State.choices, default="open", protected=True
    )
    parcel_waybill_number = models.CharField(_("parcel waybill number"), max_length=40)
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("original shipment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcel_followups",
    )
    return_request = models.ForeignKey(
        "courier.ReturnRequest",
        verbose_name=_("return / exchange register entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcel_followups",
    )
    description = models.TextField(_("description"))
    # A returned parcel without a card: after-sales contacts the customer, then decides.
    customer_contacted_at = models.DateTimeField(_("customer contacted at"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    # 转件: the forwarding waybill number, whether forwarding succeeded, whether it arrived safely.
    forwarding_waybill_number = models.CharField(
        _("forwarding waybill number"), max_length=40, blank=True
    )
    forwarded_ok = models.BooleanField(_("forwarding succeeded"), null=True, blank=True)
    arrived_safely = models.BooleanField(_("arrived safely"), null=True, blank=True)
    # 退回重发: the parcel came back and was sent again.
    returned_at = models.DateTimeField(_("parcel back at"), null=True, blank=True)
    resend_waybill_number = models.CharField(_("re-send waybill number"), max_length=40, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parcel follow-up")
        verbose_name_plural = _("parcel follow-ups")
        ordering = ["state", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | (~Q(outcome="") & Q(closed_at__isnull=False)),
                name="parcelfollowup_closed_has_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.parcel_waybill_number}"

    @transition(field=state, source="open", target="closed")
    def close(self):
        pass


class ParcelFollowUpNote(models.Model):
    """One step of following a parcel: a call to the customer or the courier, what was said."""

    followup = models.ForeignKey(
        ParcelFollowUp,
        verbose_name=_("parcel follow-up"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    text = models.TextField(_("note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["written_at", "id"]

    def __str__(self):
        return self.text[:40]
