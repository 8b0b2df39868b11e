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
from django_fsm import can_proceed
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.history import ChangeReasonMixin
from courier.core.admin.workflow import (
    OptionalReasonForm,
    ReasonForm,
    ServiceAction,
    ServiceActionsMixin,
    ServiceErrorsAsMessages,
    fsm_transition_possible,
)
from staffing.admin.access import SupervisorLineMixin
from staffing.models import (
    FundEntry,
    ScoreAppeal,
    ScoreCancelCondition,
    ScoreEvent,
    ScoreRule,
    ScoreTier,
    ScoringPolicy,
    Settlement,
    SettlementLine,
    SettlementReopening,
)
from staffing.selectors.access import department_scope
from staffing.services import scoring as scoring_services
from staffing.services import settlement as settlement_services
from staffing.services import settlement_reopening as reopening_services


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "start_points", "payday_day", "appeal_days", "department_codes"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ScoringPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoreTier)
class ScoreTierAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    list_display = ["ceiling", "floor", "yuan_per_point", "dismissal"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        problems = settlement_services.rules.tiers_check(settlement_services.tiers_current())
        if problems:
            self.message_user(request, "; ".join(problems), messages.WARNING)


@admin.register(ScoreCancelCondition)
class ScoreCancelConditionAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    """A6/A9 (SCR-09): the documented conditions that cancel a rule's deduction; the
    manager's, with history."""

    list_display = ["rule", "code", "description_zh", "is_active"]
    list_filter = ["rule", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["rule", "code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoreRule)
class ScoreRuleAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
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
class ScoreEventAdmin(ServiceErrorsAsMessages, SupervisorLineMixin, SimpleHistoryAdmin):
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
        """Recorded through the service; a refusal is shown as a message, nothing saved."""
        data = form.cleaned_data
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
        for field in ScoreEvent._meta.concrete_fields:
            setattr(obj, field.attname, getattr(event, field.attname))

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


@admin.register(ScoreAppeal)
class ScoreAppealAdmin(ServiceActionsMixin, SupervisorLineMixin, SimpleHistoryAdmin):
    """SCR-09: the supervisor or a manager upholds or rejects an appeal (the service checks
    who may)."""

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
    service_actions = {
        "uphold": ServiceAction(
            _("Uphold (reverse the event)"),
            lambda r, a, d: scoring_services.appeal_decide(appeal=a, user=r.user, uphold=True),
            available=fsm_transition_possible("uphold"),
            confirm=True,
            bulk=True,
        ),
        "reject": ServiceAction(
            _("Reject"),
            lambda r, a, d: scoring_services.appeal_decide(appeal=a, user=r.user, uphold=False),
            available=fsm_transition_possible("reject"),
            irreversible=True,
        ),
    }

    def has_add_permission(self, request):
        return False  # employees appeal from their score page

    def has_delete_permission(self, request, obj=None):
        return False


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


def _settling(settlement, user) -> bool:
    """A sheet being settled (the model's ``approve`` transition may run) is submitted and
    approved; the services check who may and the blockers."""
    return can_proceed(settlement.approve)


@admin.register(Settlement)
class SettlementAdmin(ServiceActionsMixin, SupervisorLineMixin, SimpleHistoryAdmin):
    """SCR-04/SCR-07: compute, submit, approve and reopen the month's sheet with the workflow
    kit (buttons on the sheet, actions on the list), as on the settlement screen."""

    line_field = line_by = "department"

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
    service_actions = {
        "compute": ServiceAction(
            _("Compute the sheet"),
            lambda r, s, d: settlement_services.settlement_compute(s, user=r.user),
            available=lambda s, u: not s.is_frozen,
            bulk=True,
        ),
        "submit": ServiceAction(
            _("Submit the sheet (supervisor)"),
            lambda r, s, d: settlement_services.settlement_submit(s, user=r.user),
            available=_settling,
            bulk=True,
        ),
        "approve": ServiceAction(
            _("Approve and freeze (manager)"),
            lambda r, s, d: settlement_services.settlement_approve(s, user=r.user),
            available=_settling,
            confirm=True,
            bulk=True,
        ),
        "reopen": ServiceAction(
            _("Reopen"),
            lambda r, s, d: settlement_services.settlement_reopen(s, user=r.user, note=d["reason"]),
            form=OptionalReasonForm,
            available=fsm_transition_possible("reopen"),
        ),
        # SCR-07 (issue 13 point 21): a settled month reopens only with HQ's approval.
        "request_reopening": ServiceAction(
            _("Ask HQ to reopen the settled month (manager)"),
            lambda r, s, d: reopening_services.reopening_request(
                s, user=r.user, reason=d["reason"]
            ),
            form=ReasonForm,
            available=reopening_services.reopening_requestable,
            permission=("add", SettlementReopening),
        ),
    }

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


@admin.register(SettlementReopening)
class SettlementReopeningAdmin(ServiceActionsMixin, SupervisorLineMixin, SimpleHistoryAdmin):
    """SCR-07 (issue 13 point 21): a manager's request to reopen a settled month, approved or
    refused by head office (never by the person who asked); read-only, moved by its service."""

    line_field = "settlement__department"
    line_by = "department"

    list_display = [
        "requested_at",
        "settlement",
        "state",
        "requested_by",
        "reason",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["state", "settlement__department"]
    list_select_related = ["settlement__department", "requested_by", "decided_by"]
    readonly_fields = [
        "settlement",
        "state",
        "reason",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "undone_approved_by",
        "undone_approved_at",
        "fund_taken_back",
        "sheet_before",
    ]
    fields = readonly_fields
    service_actions = {
        "approve": ServiceAction(
            _("Approve the reopening (HQ)"),
            lambda r, o, d: reopening_services.reopening_approve(o, user=r.user, note=d["reason"]),
            form=OptionalReasonForm,
            available=reopening_services.reopening_decidable,
        ),
        "refuse": ServiceAction(
            _("Refuse the reopening (HQ)"),
            lambda r, o, d: reopening_services.reopening_refuse(o, user=r.user, note=d["reason"]),
            form=ReasonForm,
            available=reopening_services.reopening_decidable,
        ),
    }

    def in_line(self, request, obj) -> bool:
        if obj is None:
            return True
        scope = department_scope(request.user)
        return scope is None or obj.settlement.department_id in scope

    def has_add_permission(self, request):
        return False  # asked from the settled month (its admin page or settlement screen)

    def has_change_permission(self, request, obj=None):
        return False  # decided through the buttons, never edited

    def has_delete_permission(self, request, obj=None):
        return False


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
class FundEntryAdmin(SupervisorLineMixin, admin.ModelAdmin):
    """SCR-06: the activity fund; fines arrive from settlements, spending is added by hand."""

    line_field = line_by = "department"

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
