"""Admin of the rules (SLA policies, settings), ledgers and follow-up objects."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from complaints import services
from complaints.admin.complaints import FixedChoicesFilter
from complaints.models import (
    BadReview,
    CallRecord,
    ComplaintClaim,
    ComplaintSettings,
    Escalation,
    EscalationTrigger,
    Rectification,
    RectificationMeasure,
    ServiceLevelDay,
    SlaPolicy,
    Survey,
    Verdict,
    WorkOrder,
)
from complaints.selectors import survey_is_bad_review_of_agent, survey_results
from courier.core.admin.history import ChangeReasonMixin
from courier.core.admin.masking import PersonalDataAdminMixin
from courier.core.admin.paginators import EstimatedCountPaginator
from courier.core.admin.workflow import (
    ServiceAction,
    ServiceActionsMixin,
    ServiceErrorsAsMessages,
    fsm_transition_possible,
)
from courier.core.masking import PHONE


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    list_display = [
        "kind",
        "severity",
        "response_minutes",
        "response_same_day",
        "resolution_minutes",
        "resolution_same_day",
        "source",
    ]


@admin.register(ComplaintSettings)
class ComplaintSettingsAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "warning_percent", "reopen_days", "hotline_answer_target"]

    def has_add_permission(self, request):
        return not ComplaintSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ToLevelFilter(FixedChoicesFilter):
    title = _("to level")
    parameter_name = "to_level"
    options = [(level, str(level)) for level in range(1, 4)]


class TriggerFilter(FixedChoicesFilter):
    title = _("trigger")
    parameter_name = "trigger"
    options = list(EscalationTrigger.choices)


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    """Append-only ledger."""

    list_display = ["complaint", "from_level", "to_level", "trigger", "escalated_at", "to_employee"]
    list_filter = [ToLevelFilter, TriggerFilter]
    # Flat in volume (issue 14): complaint and employee joined, no full count; the default
    # ordering (complaint, to_level) is the unique index ``escalation_once``.
    list_select_related = ["complaint", "to_employee"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = [
        "complaint",
        "substantiated",
        "against_employee",
        "decided_at",
        "overturned_at",
        "score_posting",
    ]
    list_filter = ["substantiated", "score_posting"]


@admin.register(BadReview)
class BadReviewAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["employee", "reviewed_at", "withdrawn_at", "score_posting"]


class MeasureInline(admin.TabularInline):
    model = RectificationMeasure
    extra = 0
    readonly_fields = ["description", "owner", "due_on", "done_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["complaint", "state", "satisfaction_before", "satisfaction_after", "improved"]
    inlines = [MeasureInline]


@admin.register(RectificationMeasure)
class RectificationMeasureAdmin(ServiceActionsMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    """CMP-08: owners report measures done; supervisors record their checks (buttons on the
    measure and actions on the list; the services check who may)."""

    list_display = ["description", "owner", "due_on", "done_at", "rectification"]
    list_filter = ["due_on"]
    service_actions = {
        "mark_done": ServiceAction(
            _("Report as done"),
            lambda r, m, d: services.measure_done(m, user=r.user),
            available=services.measure_done_possible,
            permission="view",
            bulk=True,
        ),
        "check_passed": ServiceAction(
            _("Supervision check: carried out as required"),
            lambda r, m, d: services.supervision_check_record(m, user=r.user, passed=True),
            available=services.measure_check_possible,
            permission="view",
            bulk=True,
        ),
    }


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "assignee", "due_at", "state", "done_at"]
    list_filter = ["state"]


def _claim_decide(approve: bool):
    def run(request, claim, data):
        services.complaint_claim_decide(
            claim, user=request.user, approve=approve, note=str(_("decided in the admin"))
        )

    return run


@admin.register(ComplaintClaim)
class ComplaintClaimAdmin(ServiceActionsMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    """CMP-11: a manager approves the proposed amount or rejects the claim (the service checks
    who may)."""

    list_display = ["complaint", "kind", "amount", "state", "approved_amount", "decided_by"]
    list_filter = ["kind", "state"]
    service_actions = {
        "approve": ServiceAction(
            _("Approve the proposed amount"),
            _claim_decide(True),
            available=fsm_transition_possible("approve"),
            permission="view",
            confirm=True,
            bulk=True,
        ),
        "reject": ServiceAction(
            _("Reject"),
            _claim_decide(False),
            available=fsm_transition_possible("reject"),
            permission="view",
            irreversible=True,
        ),
    }


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    """CMP-13: answers, with the results per agent and category above the list."""

    list_display = ["complaint", "agent", "category", "created_at", "score", "answered_at"]
    list_filter = ["score", "category"]
    exclude = ["token"]
    change_list_template = "complaints/admin/survey_change_list.html"
    actions = ["bad_review"]

    def changelist_view(self, request, extra_context=None):

        extra_context = {**(extra_context or {}), "results": survey_results()}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Record as a bad review naming the agent (G16)"))
    def bad_review(self, request, queryset):
        for survey in queryset.select_related("agent"):
            if not survey_is_bad_review_of_agent(survey):
                messages.warning(
                    request, _("%(s)s is not a bad review of an agent.") % {"s": survey}
                )
                continue
            try:
                services.bad_review_record(
                    user=request.user,
                    employee=survey.agent,
                    text=survey.comment or str(_("Survey score %(n)s") % {"n": survey.score}),
                    reviewed_at=survey.answered_at,
                    survey=survey,
                )
            except services.ComplaintError as exc:
                messages.error(request, " ".join(exc.messages))


class CallRecordImportForm(forms.Form):
    file = forms.FileField(
        label=_("Call-record file (CSV or Excel)"),
        help_text=_(
            "Columns: call_id, started_at, answered_at (empty: not answered), caller, extension;"
            " times as YYYY-MM-DD HH:MM:SS, Beijing time unless an offset is given."
        ),
    )


class ServiceLevelCorrectionForm(forms.ModelForm):
    class Meta:
        model = ServiceLevelDay
        fields = [
            "day",
            "orders_received",
            "orders_within_24h",
            "calls_offered",
            "calls_answered",
            "reason",
        ]

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("Say why the measured figures of this day are wrong."))
        return reason


@admin.register(ServiceLevelDay)
class ServiceLevelDayAdmin(ServiceErrorsAsMessages, SimpleHistoryAdmin):
    """CMP-12: corrections of a day's measured figures, each with its reason."""

    form = ServiceLevelCorrectionForm
    list_display = [
        "day",
        "orders_received",
        "orders_within_24h",
        "calls_offered",
        "calls_answered",
        "reason",
        "recorded_by",
    ]
    list_select_related = ["recorded_by"]  # nullable: not followed by default
    readonly_fields = ["recorded_by"]
    change_list_template = "complaints/admin/servicelevel_change_list.html"

    def changelist_view(self, request, extra_context=None):
        import datetime as dt

        from django.utils import timezone

        from complaints.selectors import service_levels

        today = timezone.localdate()
        report = service_levels(today - dt.timedelta(days=30), today)
        return super().changelist_view(request, {**(extra_context or {}), "report": report})

    def save_model(self, request, obj, form, change):
        services.service_level_day_record(
            user=request.user,
            day=obj.day,
            reason=form.cleaned_data["reason"],
            **{
                f: getattr(obj, f)
                for f in ("orders_received", "orders_within_24h", "calls_offered", "calls_answered")
            },
        )


@admin.register(CallRecord)
class CallRecordAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    """CMP-12: the phone system's call records, imported (never typed); read-only. The answer
    rate needs only the moments, so the caller's number is always masked here (ORG-03)."""

    personal_fields = {"caller": PHONE}

    list_display = ["call_id", "started_at", "answered_at", "extension", "source_file"]
    list_filter = [("answered_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "started_at"
    search_fields = ["call_id"]
    change_list_template = "complaints/admin/callrecord_change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", view, name="complaints_callrecord_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not request.user.has_perm("complaints.add_callrecord"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = CallRecordImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                n = services.call_records_import(
                    user=request.user, content=upload.read(), filename=upload.name
                )
            except services.ComplaintError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                messages.success(request, _("%(n)s calls imported.") % {"n": n})
                return HttpResponseRedirect(reverse("admin:complaints_callrecord_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Import hotline call records"),
        }
        return TemplateResponse(request, "complaints/admin/servicelevel_import.html", context)
