"""ORG-05, ORG-06: the account register and the training records (issue 13 points 14, 18)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.workflow import ServiceErrorsAsMessages
from courier.core.errors import ApplicationError
from staffing.admin.access import SupervisorLineMixin
from staffing.models import AccountHolding, SystemAccount, TrainingRecord
from staffing.services.accounts import (
    account_holding_assign,
    account_holding_change,
    account_holding_check,
)


@admin.register(SystemAccount)
class SystemAccountAdmin(SimpleHistoryAdmin):
    list_display = ["handle", "system", "purpose", "is_active"]
    list_filter = ["system", "purpose", "is_active"]
    search_fields = ["handle"]


class AccountHoldingForm(forms.ModelForm):
    class Meta:
        model = AccountHolding
        fields = [
            "account",
            "employee",
            "starts_at",
            "ends_at",
            "shared_approved_by",
            "shared_reason",
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            account_holding_check(
                account=data["account"],
                employee=data["employee"],
                starts_at=data["starts_at"],
                ends_at=data.get("ends_at"),
                shared_approved_by=data.get("shared_approved_by"),
                shared_reason=data.get("shared_reason") or "",
                exclude=self.instance.pk,
            )
        except ApplicationError as exc:
            raise ValidationError(exc.messages) from exc
        return data


@admin.register(AccountHolding)
class AccountHoldingAdmin(ServiceErrorsAsMessages, SimpleHistoryAdmin):
    """Who held which account when: a chat log's account and time name the person. The form
    checks the rules for a readable error; the save goes through the locked services, which
    check them again (two clerks at once cannot both record an overlap)."""

    form = AccountHoldingForm
    list_display = ["account", "employee", "starts_at", "ends_at", "shared_approved_by"]
    list_filter = ["account__system"]
    search_fields = ["account__handle", "employee__name", "employee__number"]
    list_select_related = ["account", "employee", "shared_approved_by"]
    autocomplete_fields = ["employee", "shared_approved_by"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data.get(name) for name in AccountHoldingForm.Meta.fields}
        fields["shared_reason"] = fields["shared_reason"] or ""
        if change:
            account_holding_change(obj, user=request.user, **fields)
        else:
            obj.pk = account_holding_assign(user=request.user, **fields).pk


@admin.register(TrainingRecord)
class TrainingRecordAdmin(SupervisorLineMixin, SimpleHistoryAdmin):
    """ORG-06: the supervisor records pre-job training and business-knowledge exams."""

    list_display = ["employee", "kind", "topic", "held_on", "score", "passed"]
    list_filter = ["kind", "topic", "passed"]
    search_fields = ["employee__name", "employee__number"]
    list_select_related = ["employee"]
    autocomplete_fields = ["employee", "trainer"]
    exclude = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
