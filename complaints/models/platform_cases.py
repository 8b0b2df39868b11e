"""CMP-14: the supervisor's daily review of the shop's orders in refund (退款中) and in dispute
(维权中) on the shop platform, and what S1, A8 and A9 are judged on."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords


class PlatformCase(FSMModelMixin, models.Model):
    """One shop-platform order in refund or in dispute, with the platform's deadline."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("In refund (退款中)")
        DISPUTE = "dispute", _("In dispute (维权中)")

    class Source(models.TextChoices):
        IMPORT = "import", _("Imported")
        MANUAL = "manual", _("Entered by hand")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Handled in time")
        DISPUTE_LOST = "dispute_lost", _("Dispute succeeded, shop penalised")
        REFUND_AUTO = "refund_auto", _("Refunded automatically, goods not returned")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    platform_order_ref = models.CharField(_("platform order number"), max_length=64)
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="platform_cases",
    )
    buyer_ref = models.CharField(_("buyer ID"), max_length=100, blank=True)
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    platform_deadline = models.DateTimeField(_("platform deadline"), db_index=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    owner = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("after-sales owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supervisor = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("reviewing supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = FSMField(
        _("state"), max_length=8, choices=State.choices, default="open", protected=True
    )
    # S1: the supervisor reminded after-sales (in time when before the platform deadline).
    reminded_at = models.DateTimeField(_("after-sales reminded at"), null=True, blank=True)
    # A8 / A9: after-sales handled it.
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handling = models.TextField(_("handling"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A9's cancel conditions: the goods recovered, or the customer paid the full price.
    recovered_condition = models.CharField(_("A9 cancelled by"), max_length=40, blank=True)
    recovered_at = models.DateTimeField(_("recovered at"), null=True, blank=True)
    score_note = models.TextField(_("score events"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shop refund / dispute")
        verbose_name_plural = _("shop refunds and disputes")
        ordering = ["state", "platform_deadline"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "platform_order_ref"],
                condition=Q(state="open"),
                name="platformcase_open_unique",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | ~Q(outcome=""), name="platformcase_closed_outcome"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.platform_order_ref}"

    @transition(field=state, source="open", target="closed")
    def close(self):
        pass
