"""Forms of the finance admin's workflow buttons (inputs only; the services decide)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from courier.finance.models import (
    CreditAssessment,
    FeeScheduleVersion,
    LedgerEntry,
    StatementDispute,
)

REASON = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class LedgerPostForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in LedgerEntry.Kind.choices if c[0] != "reversal"],
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Positive; only an adjustment carries a sign."),
    )
    purpose = forms.ChoiceField(
        label=_("Prepayment for"), choices=LedgerEntry.Purpose.choices, required=False
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    reason = REASON


class AssessmentForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=CreditAssessment.Grade.choices)
    basis = forms.CharField(label=_("Basis"), widget=forms.Textarea(attrs={"rows": 4}))
    credit_limit = forms.DecimalField(
        label=_("Credit limit"), max_digits=12, decimal_places=2, min_value=Decimal("0")
    )
    prepayment_ratio = forms.DecimalField(
        label=_("Prepayment ratio"),
        max_digits=4,
        decimal_places=3,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
    )
    max_shipment_amount = forms.DecimalField(
        label=_("Largest shipment amount"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel (.xlsx) file"))


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=StatementDispute.Outcome.choices)
    granted = forms.DecimalField(
        label=_("Granted (split only)"), max_digits=12, decimal_places=2, required=False
    )
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 3}))


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    their_amount = forms.DecimalField(
        label=_("Their figure"), max_digits=12, decimal_places=2, required=False
    )
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AssignForm(forms.Form):
    statement_number = forms.CharField(label=_("Statement number"), required=False)
    partner_code = forms.CharField(label=_("Or partner code (prepayment)"), required=False)


class FeeScheduleVersionForm(forms.ModelForm):
    """FIN-01: a version's dates may neither overlap another version nor leave a gap."""

    class Meta:
        model = FeeScheduleVersion
        fields = [
            "schedule",
            "effective_from",
            "effective_to",
            "light_step_kg",
            "heavy_from_kg",
            "heavy_step_kg",
            "note",
        ]

    def clean(self):
        from courier.finance.services.fees import schedule_versions_check

        cleaned = super().clean()
        schedule = cleaned.get("schedule")
        if schedule is not None and cleaned.get("effective_from"):
            probe = FeeScheduleVersion(
                pk=self.instance.pk,
                schedule=schedule,
                effective_from=cleaned["effective_from"],
                effective_to=cleaned.get("effective_to"),
            )
            schedule_versions_check(schedule, candidate=probe)
        return cleaned


class TransferOrderForm(forms.Form):
    """FIN-05: an order of the bank-transfer customer to follow until its transfer arrives."""

    waybill_number = forms.CharField(label=_("Waybill number"), max_length=20)
    amount = forms.DecimalField(label=_("Amount expected"), max_digits=12, decimal_places=2)
    due_on = forms.DateField(label=_("Transfer due by"))
