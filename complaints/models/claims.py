"""CMP-11: a complaint's claim. Damage → the shipment's insurance claim (with photos); loss →
a compensation proposal with an amount that a manager approves. The insurance claim and the
compensation proposal themselves belong to the courier app (shipment exceptions)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords


class ComplaintClaim(FSMModelMixin, models.Model):
    class Kind(models.TextChoices):
        INSURANCE = "insurance", _("Insurance claim (damage)")
        COMPENSATION = "compensation", _("Compensation (loss)")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="claims"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    insurance_claim = models.OneToOneField(
        "courier.InsuranceClaim",
        verbose_name=_("insurance claim"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_claim",
    )
    compensation = models.OneToOneField(
        "courier.CompensationProposal",
        verbose_name=_("compensation proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_claim",
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    photo_count = models.PositiveSmallIntegerField(_("photos"), default=0)
    state = FSMField(
        _("state"), max_length=16, choices=State.choices, default=State.PROPOSED, protected=True
    )
    approved_amount = models.DecimalField(
        _("approved amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint claim")
        verbose_name_plural = _("complaint claims")
        ordering = ["-created_at"]
        permissions = [("approve_compensation", _("Can approve compensation"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="insurance") | models.Q(photo_count__gte=1),
                name="complaint_claim_insurance_has_photos",
            ),
        ]

    def __str__(self):
        return f"#{self.complaint_id} {self.get_kind_display()} {self.amount}"

    @transition(
        field=state,
        source=State.PROPOSED,
        target=State.APPROVED,
        permission="complaints.approve_compensation",
    )
    def approve(self):
        pass

    @transition(
        field=state,
        source=State.PROPOSED,
        target=State.REJECTED,
        permission="complaints.approve_compensation",
    )
    def reject(self):
        pass
