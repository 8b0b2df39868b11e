"""Admin of the 100-point scoring: rules and tiers editable with history; the ledger append-only
(recorded through the service, reversed by an action with a reason, never edited or deleted);
appeals and settlements moved by their services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from staffing.models import (
    FundEntry,
    ScoreAppeal,
    ScoreEvent,
    ScoreRule,
    ScoreTier,
    ScoringPolicy,
    Settlement,
    SettlementLine,
)
from staffing.services import scoring as scoring_services
from staffing.services import settlement as settlement_services


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "start_points", "payday_day", "appeal_days", "department_codes"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ScoringPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoreTier)
class ScoreTierAdmin(SimpleHistoryAdmin):
    list_display = ["ceiling", "floor", "yuan_per_point", "dismissal"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        problems = settlement_services.rules.tiers_check(settlement_services.tiers_current())
        if problems:
            self.message_user(request, "; ".join(problems), messages.WARNING)


@admin.register(ScoreRule)
class ScoreRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "category",
        "description_zh",
        "points",
        "points_min",
        "points_max",
        "cash_mode",
        "cash_amount",
        "costs_attendance_bonus",
        "first_offence_warning",
        "may_dismiss",
        "is_active",
    ]
    list_filter = ["category", "cash_mode", "is_active"]
    search_fields = ["code", "description_zh", "description_en"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


class ScoreEventForm(forms.ModelForm):
    """A supervisor's hand entry; points and money default from the rule when left empty."""

    points = forms.IntegerField(label=_("points"), required=False)
    cash = forms.DecimalField(label=_("money (yuan)"), required=False, min_value=0)

    class Meta:
        model = ScoreEvent
        fields = ["employee", "rule", "occurred_at", "points", "cash", "reason", "evidence"]


class EventReversedFilter(admin.SimpleListFilter):
    title = _("reversed")
    parameter_name = "reversed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reversed_by__isnull=False)
        if self.value() == "no":
            return queryset.filter(kind="record", reversed_by__isnull=True)
        return queryset


@admin.register(ScoreEvent)
class ScoreEventAdmin(SimpleHistoryAdmin):
    form = ScoreEventForm
    list_display = [
        "occurred_at",
        "employee",
        "rule",
        "kind",
        "points",
        "cash",
        "is_warning",
        "month",
        "recorded_by",
        "reason",
    ]
    list_filter = ["kind", "month", "rule__category", EventReversedFilter, "employee__department"]
    search_fields = ["employee__name", "employee__number", "rule__code", "reason"]
    list_select_related = ["employee", "rule", "recorded_by"]
    autocomplete_fields = ["employee"]
    date_hierarchy = "occurred_at"
    actions = ["reverse_events"]
    readonly_fields = [
        "employee",
        "rule",
        "kind",
        "points",
        "cash",
        "is_warning",
        "costs_attendance_bonus",
        "occurred_at",
        "month",
        "source_type",
        "source_id",
        "reverses",
        "recorded_by",
        "recorded_at",
        "reason",
        "evidence",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def has_change_permission(self, request, obj=None):
        # Viewing only: recorded events are never edited (the change view is read-only).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            event = scoring_services.score_event_record(
                employee=data["employee"],
                rule_code=data["rule"].code,
                source=None,
                occurred_at=data["occurred_at"],
                user=request.user,
                reason=data.get("reason", ""),
                points=data.get("points"),
                cash=data.get("cash"),
                evidence=data.get("evidence", ""),
            )
        except ValidationError as exc:
            raise _AdminRefused(exc) from exc
        for field in ScoreEvent._meta.concrete_fields:
            setattr(obj, field.attname, getattr(event, field.attname))

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except _AdminRefused as refused:
            self.message_user(request, " ".join(refused.error.messages), messages.ERROR)
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("Reverse the selected events (with a reason)"))
    def reverse_events(self, request, queryset):
        if request.POST.get("reason") is None:
            return render(
                request,
                "staffing/scoring/admin_reverse.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Reverse score events"),
                    "events": queryset.select_related("employee", "rule"),
                    "action": "reverse_events",
                    "opts": self.model._meta,
                },
            )
        reason = request.POST["reason"].strip()
        done, refused = 0, []
        for event in queryset.select_related("employee"):
            try:
                scoring_services.score_event_cancel(event, reason=reason, user=request.user)
                done += 1
            except ValidationError as exc:
                refused.append(f"#{event.pk}: {' '.join(exc.messages)}")
        if done:
            self.message_user(request, gettext("%(n)s event(s) reversed.") % {"n": done})
        for message in refused:
            self.message_user(request, message, messages.ERROR)


class _AdminRefused(Exception):
    def __init__(self, error):
        self.error = error


@admin.register(ScoreAppeal)
class ScoreAppealAdmin(SimpleHistoryAdmin):
    list_display = ["filed_at", "employee", "event", "state", "decided_by", "decided_at"]
    list_filter = ["state", "month", "employee__department"]
    list_select_related = ["employee", "event__rule", "event__employee", "decided_by"]
    readonly_fields = [
        "event",
        "employee",
        "month",
        "reason",
        "state",
        "filed_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    actions = ["uphold", "reject"]

    def has_add_permission(self, request):
        return False  # employees appeal from their score page

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, uphold: bool):
        for appeal in queryset:
            try:
                scoring_services.appeal_decide(appeal=appeal, user=request.user, uphold=uphold)
                self.message_user(request, gettext("Decided: %(a)s") % {"a": appeal})
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)

    @admin.action(description=_("Uphold (reverse the event)"))
    def uphold(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject"))
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    extra = 0
    can_delete = False
    fields = [
        "employee",
        "final_score",
        "deduction",
        "dismissal",
        "attendance_bonus",
        "performance_bonus",
        "award",
        "cash_fines",
        "cash_awards",
        "supervisor_bonus",
        "supervisor_fine",
        "net_amount",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Settlement)
class SettlementAdmin(SimpleHistoryAdmin):
    list_display = [
        "month",
        "department",
        "state",
        "payday",
        "submitted_by",
        "approved_by",
        "screen",
    ]
    list_filter = ["state", "department"]
    inlines = [SettlementLineInline]
    readonly_fields = [
        "department",
        "month",
        "state",
        "computed_at",
        "ledger_mark",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
    ]
    fields = readonly_fields + ["payday", "note"]
    actions = ["compute", "submit", "approve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return self.readonly_fields + ["payday", "note"]
        return self.readonly_fields

    @admin.display(description=_("settlement screen"))
    def screen(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("scoring:settlement", args=[obj.pk]), gettext("Open")
        )

    def _run(self, request, queryset, fn, **kwargs):
        for settlement in queryset:
            try:
                fn(settlement, user=request.user, **kwargs)
                self.message_user(request, gettext("Done: %(s)s") % {"s": settlement})
            except ValidationError as exc:
                self.message_user(
                    request, f"{settlement}: {' '.join(exc.messages)}", messages.ERROR
                )

    @admin.action(description=_("Compute the sheet"))
    def compute(self, request, queryset):
        self._run(request, queryset, settlement_services.settlement_compute)

    @admin.action(description=_("Submit the sheet (supervisor)"))
    def submit(self, request, queryset):
        self._run(request, queryset, settlement_services.settlement_submit)

    @admin.action(description=_("Approve and freeze (manager)"))
    def approve(self, request, queryset):
        self._run(request, queryset, settlement_services.settlement_approve)


class FundSpendingForm(forms.ModelForm):
    class Meta:
        model = FundEntry
        fields = ["department", "amount", "note"]
        labels = {"amount": _("amount spent (yuan)")}

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                settlement_services.fund_spend_check(
                    data["department"], data["amount"], data["note"]
                )
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages)
        return data


@admin.register(FundEntry)
class FundEntryAdmin(admin.ModelAdmin):
    """SCR-06: the activity fund; fines arrive from settlements, spending is added by hand."""

    form = FundSpendingForm

    list_display = ["created_at", "department", "kind", "amount", "employee", "note", "created_by"]
    list_filter = ["department", "kind"]
    list_select_related = ["department", "employee", "created_by"]
    fields = ["department", "amount", "note"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        entry = settlement_services.fund_spend(
            department=obj.department, amount=obj.amount, note=obj.note, user=request.user
        )
        obj.pk = entry.pk
