"""Forms of the complaint admin's transition pages: one small form per step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import CancelReason
from staffing.models import Department, Employee

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
        label=_("Responsible department"), queryset=Department.objects.all(), required=False
    ),
    "substantiated": lambda: forms.BooleanField(label=_("Substantiated"), required=False),
    "against": lambda: forms.ModelChoiceField(
        label=_("Against agent"), queryset=Employee.objects.filter(is_active=True), required=False
    ),
    "assignee": lambda: forms.ModelChoiceField(
        label=_("Senior agent"), queryset=Employee.objects.filter(is_active=True)
    ),
    "instructions": lambda: forms.CharField(
        label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 3})
    ),
    "due_at": lambda: forms.DateTimeField(label=_("Due at"), required=False),
    "problem": lambda: forms.CharField(
        label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 3})
    ),
    "measure": lambda: forms.CharField(label=_("Measure"), max_length=500),
    "owner": lambda: forms.ModelChoiceField(
        label=_("Owner"), queryset=Employee.objects.filter(is_active=True)
    ),
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
        queryset=Employee.objects.filter(is_active=True),
        required=False,
    ),
}

# step name → (button label, form fields)
STEPS = {
    "accept": (_("Accept (first response given)"), []),
    "investigate": (_("Start investigation"), []),
    "findings": (_("Record findings"), ["findings", "department", "employee"]),
    "propose_solution": (_("Propose solution"), ["solution"]),
    "send_solution": (_("Send solution to customer and merchant"), []),
    "feedback_accept": (_("Customer accepted"), ["comment"]),
    "feedback_reject": (_("Customer rejected"), ["comment"]),
    "close": (_("Close"), []),
    "reopen": (_("Reopen"), ["reason"]),
    "cancel": (_("Cancel"), ["cancel_reason", "reason"]),
    "escalate": (_("Escalate"), ["reason"]),
    "verdict": (_("Decide verdict"), ["substantiated", "against", "findings"]),
    "overturn_verdict": (_("Overturn verdict"), ["reason"]),
    "work_order": (_("Create work order"), ["assignee", "instructions", "due_at"]),
    "rectification": (_("Set rectification"), ["problem", "measure", "owner", "due_on"]),
    "evaluate_rectification": (
        _("Evaluate rectification"),
        ["satisfaction_before", "satisfaction_after", "process_improvement"],
    ),
    "claim": (_("File claim"), ["claim_kind", "cause", "amount", "photo1", "photo2"]),
}


def step_form(step: str, data=None, files=None) -> forms.Form:
    form = forms.Form(data, files)
    for name in STEPS[step][1]:
        form.fields[name] = FIELDS[name]()
    return form


# INC-02: the steps of an open incident in the admin → (button label, form fields)
INCIDENT_STEPS = {
    "report": (_("Write the incident report"), ["cause", "handling", "lessons"]),
    "meeting": (_("Record the review meeting"), ["held_on", "attendees", "conclusions"]),
    "close": (_("Close the incident"), []),
}

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
        label=_("Attendees"), queryset=Employee.objects.filter(is_active=True)
    ),
    "conclusions": lambda: forms.CharField(
        label=_("Conclusions"), widget=forms.Textarea(attrs={"rows": 4})
    ),
}


def incident_step_form(step: str, data=None, *, instance=None) -> forms.Form:
    """The report form starts from the report already written (it can be revised)."""
    initial = {}
    report = getattr(instance, "report", None) if instance is not None else None
    if step == "report" and report is not None:
        initial = {f: getattr(report, f) for f in ("cause", "handling", "lessons")}
    form = forms.Form(data, initial=initial)
    for name in INCIDENT_STEPS[step][1]:
        form.fields[name] = INCIDENT_FIELDS[name]()
    return form
