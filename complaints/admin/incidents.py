"""INC-01/02 in the admin: incidents opened through the service; the report, the review meeting
and closing done on step pages that call the services."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from complaints import services
from complaints.admin.base import ServiceErrorsAsMessages
from complaints.admin.forms import INCIDENT_STEPS, incident_step_form
from complaints.models import Incident, IncidentReport, ReviewMeeting


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
class IncidentAdmin(ServiceErrorsAsMessages, SimpleHistoryAdmin):
    """INC-01/02: opened here through the service; reports and meetings shown below."""

    list_display = ["title", "kind", "occurred_at", "harmed_company", "state"]
    list_filter = ["kind", "state", "harmed_company"]
    fields = INCIDENT_FIELDS
    filter_horizontal = ["coordination_members"]
    raw_id_fields = ["complaints", "shipments"]
    inlines = [ReportInline, MeetingInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

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

    change_form_template = "complaints/admin/incident_change_form.html"

    def incident_steps(self, obj) -> list[tuple[str, str]]:
        if obj is None or obj.state != Incident.State.OPEN:
            return []
        names = {"report", "close"}
        if IncidentReport.objects.filter(incident=obj).exists():
            names.add("meeting")
        return [(name, label) for name, (label, _f) in INCIDENT_STEPS.items() if name in names]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "incident_steps": self.incident_steps(obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/step/<str:step>/",
                self.admin_site.admin_view(self.step_view),
                name="complaints_incident_step",
            ),
            *super().get_urls(),
        ]

    def step_view(self, request, pk, step):
        """INC-02: write the report, record the review meeting, close, each via its service."""
        incident = get_object_or_404(Incident, pk=pk)
        if step not in INCIDENT_STEPS or not self.has_view_permission(request, incident):
            raise Http404
        back = reverse("admin:complaints_incident_change", args=[pk])
        form = incident_step_form(step, request.POST or None, instance=incident)
        if request.method == "POST" and form.is_valid():
            data, user = form.cleaned_data, request.user
            try:
                if step == "report":
                    services.incident_report_write(incident, user=user, **data)
                elif step == "meeting":
                    services.review_meeting_record(incident, user=user, **data)
                else:
                    services.incident_close(incident, user=user)
            except services.ComplaintError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Done: %(step)s") % {"step": INCIDENT_STEPS[step][0]})
            return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": incident,
            "title": INCIDENT_STEPS[step][0],
            "form": form,
            "expected_state": incident.state,
            "back": back,
        }
        return TemplateResponse(request, "complaints/admin/complaint_step.html", context)
