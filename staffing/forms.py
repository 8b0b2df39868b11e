"""Forms of the employee and supervisor pages; they only collect input, services decide."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffing.models import (
    ChatStatusBreach,
    Direction,
    Employee,
    LeaveType,
    Position,
    RosterEntry,
    RosterKind,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _colleagues(employee: Employee):
    return (
        Employee.objects.filter(department_id=employee.department_id, is_active=True)
        .exclude(pk=employee.pk)
        .order_by("number")
    )


class SwapForm(forms.Form):
    date = forms.DateField(label=_("Date of your shift to swap"), widget=DATE)
    colleague = forms.ModelChoiceField(label=_("Colleague who covers"), queryset=Employee.objects)
    back_date = forms.DateField(label=_("Swap-back date (optional)"), widget=DATE, required=False)
    handover_note = forms.CharField(
        label=_("Handover note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = _colleagues(employee)


class LeaveForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Shift"), queryset=RosterEntry.objects.none())
    leave_type = forms.ModelChoiceField(
        label=_("Leave type"), queryset=LeaveType.objects.filter(is_active=True)
    )
    cover = forms.ModelChoiceField(
        label=_("Colleague who covers"), queryset=Employee.objects.none(), required=False
    )
    addressed_to = forms.ModelChoiceField(label=_("Addressed to"), queryset=Employee.objects)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = (
            RosterEntry.objects.filter(
                employee=employee,
                kind=RosterKind.DUTY,
                status=RosterEntry.Status.PUBLISHED,
                shift_type__isnull=False,
                date__gte=timezone.localdate(),
            )
            .select_related("shift_type")
            .order_by("date")
        )
        self.fields["cover"].queryset = _colleagues(employee)
        self.fields["addressed_to"].queryset = Employee.objects.filter(
            is_active=True,
            position__in=[Position.SUPERVISOR, Position.PLATFORM_SUPERVISOR, Position.MANAGER],
        ).order_by("number")
        self.fields["addressed_to"].initial = employee.supervisor_id


class CorrectionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    time = forms.TimeField(
        label=_("Time of the forgotten punch"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    direction = forms.ChoiceField(label=_("Punch"), choices=Direction.choices)
    reason = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}))

    def punch_at(self) -> dt.datetime:
        return dt.datetime.combine(
            self.cleaned_data["date"],
            self.cleaned_data["time"],
            tzinfo=ZoneInfo(settings.TIME_ZONE),
        )


class HandoverForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Shift"), queryset=RosterEntry.objects.none())
    body = forms.CharField(label=_("Open work"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["entry"].queryset = RosterEntry.objects.filter(
            employee=employee,
            kind=RosterKind.DUTY,
            status=RosterEntry.Status.PUBLISHED,
            shift_type__isnull=False,
            date__range=(today - dt.timedelta(days=1), today),
        ).select_related("shift_type")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False)
    override = forms.BooleanField(label=_("Override the monthly limit"), required=False)
    # A reject cannot be undone: it runs only from its confirmation page, which sends this.
    confirmed = forms.BooleanField(required=False)


class AnswerForm(forms.Form):
    accept = forms.ChoiceField(choices=[("yes", _("Agree")), ("no", _("Decline"))])
    reason = forms.CharField(label=_("Reason"), required=False)


class ChatBreachForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none())
    kind = forms.ChoiceField(label=_("Breach"), choices=ChatStatusBreach.Kind.choices)
    observed_at = forms.DateTimeField(
        label=_("Observed at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, supervisor: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = supervisor.reports.filter(is_active=True)


class ChatOfflineForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none())
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason"))

    def __init__(self, *args, supervisor: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = supervisor.reports.filter(is_active=True)
