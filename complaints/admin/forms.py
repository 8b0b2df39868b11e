"""Fields of the complaint and incident admin's step pages: one small form per step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import CancelReason
from staffing.selectors import departments_all, employees_active

FIELDS = {
    "reason": lambda: forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})),
    "solution": lambda: forms.CharField(
        label=_("Proposed solution"), widget=forms.Textarea(attrs={"rows": 4})
    ),
    "comment": lambda: forms.CharField(
        label=_("Customer's comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    ),
    "cancel_reason": lambda: forms.ChoiceField(label=_("Cancel as"), choices=CancelReason.choices),
    "findings": lambda: forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4})
    ),
    "department": lambda: forms.ModelChoiceField(
        label=_("Responsible department"), queryset=departments_all(), required=False
    ),
    "substantiated": lambda: forms.BooleanField(label=_("Substantiated"), required=False),
    "against": lambda: forms.ModelChoiceField(
        label=_("Against agent"), queryset=employees_active(), required=False
    ),
    "assignee": lambda: forms.ModelChoiceField(
        label=_("Senior agent"), queryset=employees_active()
    ),
    "instructions": lambda: forms.CharField(
        label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 3})
    ),
    "due_at": lambda: forms.DateTimeField(label=_("Due at"), required=False),
    "problem": lambda: forms.CharField(
        label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 3})
    ),
    "measure": lambda: forms.CharField(label=_("Measure"), max_length=500),
    "owner": lambda: forms.ModelChoiceField(label=_("Owner"), queryset=employees_active()),
    "due_on": lambda: forms.DateField(label=_("Due on")),
    "satisfaction_before": lambda: forms.DecimalField(
        label=_("Satisfaction before"), min_value=1, max_value=5, decimal_places=2
    ),
    "satisfaction_after": lambda: forms.DecimalField(
        label=_("Satisfaction after"), min_value=1, max_value=5, decimal_places=2
    ),
    "process_improvement": lambda: forms.CharField(
        label=_("Process improvement"), widget=forms.Textarea(attrs={"rows": 3})
    ),
    "claim_kind": lambda: forms.ChoiceField(
        label=_("Claim"),
        choices=[
            ("insurance", _("Insurance (damage)")),
            ("compensation", _("Compensation (loss)")),
        ],
    ),
    "cause": lambda: forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 2})),
    "amount": lambda: forms.DecimalField(label=_("Amount"), min_value=0, required=False),
    "photo1": lambda: forms.FileField(label=_("Photo"), required=False),
    "photo2": lambda: forms.FileField(label=_("Photo"), required=False),
    "employee": lambda: forms.ModelChoiceField(
        label=_("Responsible person"),
        queryset=employees_active(),
        required=False,
    ),
}


def step_form(*names: str, fields=FIELDS) -> type[forms.Form]:
    """A form class with the named fields (each a fresh field from ``fields``)."""
    return type("StepForm", (forms.Form,), {name: fields[name]() for name in names})


INCIDENT_FIELDS = {
    "cause": lambda: forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 3})),
    "handling": lambda: forms.CharField(
        label=_("Handling"), widget=forms.Textarea(attrs={"rows": 3})
    ),
    "lessons": lambda: forms.CharField(
        label=_("Lessons and prevention"), widget=forms.Textarea(attrs={"rows": 3})
    ),
    "held_on": lambda: forms.DateField(label=_("Held on")),
    "attendees": lambda: forms.ModelMultipleChoiceField(
        label=_("Attendees"), queryset=employees_active()
    ),
    "conclusions": lambda: forms.CharField(
        label=_("Conclusions"), widget=forms.Textarea(attrs={"rows": 4})
    ),
}
