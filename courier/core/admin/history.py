"""Rules and policies record who changed them and why (issue 12 item 1).

simple-history already records the acting user of every admin save; ``ChangeReasonMixin`` adds a
required "reason for the change" to the admin form of a rule or policy and stores it as the
history row's change reason (``history_change_reason``), shown in the object's history."""

from django import forms
from django.utils.translation import gettext_lazy as _

CHANGE_REASON_FIELD = "change_reason"


class ChangeReasonMixin:
    """Mix into a ``SimpleHistoryAdmin`` of a rule or policy model."""

    def _may_edit(self, request, obj) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.pop("form", self.form)
        if self._may_edit(request, obj):
            field = forms.CharField(
                label=_("Reason for the change"),
                max_length=100,
                help_text=_("Kept in the history with your name."),
            )
            base = type(f"{base.__name__}WithReason", (base,), {CHANGE_REASON_FIELD: field})
        return super().get_form(request, obj, change, form=base, **kwargs)

    def save_model(self, request, obj, form, change):
        reason = (getattr(form, "cleaned_data", None) or {}).get(CHANGE_REASON_FIELD)
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)
