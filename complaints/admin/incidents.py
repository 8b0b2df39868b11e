"""INC-01/02 in the admin: incidents opened through the service; the report, the review meeting
and closing are workflow-kit steps calling the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from complaints import services
from complaints.models import Incident, IncidentReport, ReviewMeeting
from courier.core.admin.workflow import ServiceActionsMixin

from .steps import INCIDENT_STEPS


class ReportInline(admin.StackedInline):
    model = IncidentReport
    extra = 0
    can_delete = False
    readonly_fields = ["cause", "handling", "lessons", "written_by", "written_at"]

    def has_add_permission(self, request, obj=None):
        return False


class MeetingInline(admin.TabularInline):
    model = ReviewMeeting
    extra = 0
    can_delete = False
    fields = ["held_on", "attendee_names", "conclusions", "recorded_by"]
    readonly_fields = fields

    @admin.display(description=_("attendees"))
    def attendee_names(self, obj):
        return ", ".join(str(e) for e in obj.attendees.all())

    def has_add_permission(self, request, obj=None):
        return False


INCIDENT_FIELDS = [
    "title",
    "kind",
    "description",
    "occurred_at",
    "project_manager",
    "coordination_members",
    "on_site_group",
    "harmed_company",
    "handled_in_pre_handling",
    "complaints",
    "shipments",
]


@admin.register(Incident)
class IncidentAdmin(ServiceActionsMixin, SimpleHistoryAdmin):
    """INC-01/02: opened here through the service; the report, the review meeting and closing
    are workflow-kit steps; reports and meetings shown below."""

    list_display = ["title", "kind", "occurred_at", "harmed_company", "state"]
    list_filter = ["kind", "state", "harmed_company"]
    fields = INCIDENT_FIELDS
    filter_horizontal = ["coordination_members"]
    # By complaint number, customer phone or waybill number; shipments by waybill number; the
    # project manager by number or name.
    autocomplete_fields = ["complaints", "shipments", "project_manager"]
    inlines = [ReportInline, MeetingInline]
    service_actions = INCIDENT_STEPS
    service_actions_available = staticmethod(services.incident_steps_available)
    service_action_path = "step"
    expected_state_field = "state"
    deny_as_not_found = True

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_fields(self, request, obj=None):
        # INC-05: the partner project's emergency plan, linked when the incident was opened.
        return INCIDENT_FIELDS + ["emergency_plan", "plan_measures"] if obj else INCIDENT_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return ["emergency_plan", "plan_measures"]

    @admin.display(description=_("emergency plan: what to do"))
    def plan_measures(self, obj):
        from django.utils.html import linebreaks
        from django.utils.safestring import mark_safe

        text = services.emergency_plan_measures(obj) if obj else ""
        if not text:
            return _("No emergency plan for this project.")
        return mark_safe(linebreaks(text, autoescape=True))  # escaped by linebreaks

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = services.incident_open(
            user=request.user, **{f: data.get(f) for f in INCIDENT_FIELDS}
        )
        obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        """The service already linked members, complaints and shipments."""
