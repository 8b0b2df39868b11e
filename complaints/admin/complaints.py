"""Complaint admin: the allowed steps as workflow-kit buttons, each a small page calling its
service."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from complaints import services
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    Escalation,
    SlaMilestone,
    SlaPause,
)
from courier.core.admin.masking import PersonalDataAdminMixin
from courier.core.admin.paginators import EstimatedCountPaginator
from courier.core.admin.workflow import ServiceActionsMixin
from courier.core.masking import EMAIL, NAME, PHONE

from .steps import COMPLAINT_STEPS

READONLY_ON_CHANGE = [
    "channel",
    "partner",
    "shipment",
    "customer_name",
    "customer_phone",
    "customer_email",
    "kind",
    "category",
    "description",
    "received_at",
]
SLA_FIELDS = [
    "state",
    "escalation_level",
    "escalated_to",
    "escalated_at",
    "respond_by",
    "resolve_by",
    "promise_status",
    "holder_respond_by",
    "holder_resolve_by",
    "responded_at",
    "resolved_at",
    "paused_since",
    "paused_seconds",
    "findings",
    "responsible_department",
    "responsible_employee",
    "solution",
    "solution_sent_at",
    "feedback_accepted",
    "feedback_comment",
    "cancel_reason",
    "closed_at",
    "reopen_count",
    "created_by",
]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class EscalationInline(ReadOnlyInline):
    model = Escalation
    fk_name = "complaint"


class MilestoneInline(ReadOnlyInline):
    model = SlaMilestone


class PauseInline(ReadOnlyInline):
    model = SlaPause


class AttachmentInline(admin.TabularInline):
    model = ComplaintAttachment
    extra = 0
    fields = ["file_link", "is_photo", "note", "uploaded_at"]
    readonly_fields = ["file_link", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def file_link(self, obj):
        from django.utils.html import format_html

        url = reverse("admin:complaints_complaint_attachment", args=[obj.complaint_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file.name.rsplit("/", 1)[-1])


class FixedChoicesFilter(admin.SimpleListFilter):
    """A filter whose choices are known (levels, a TextChoices), so it never runs ``SELECT
    DISTINCT`` over a million rows as Django's filter on a plain field does."""

    options: list = []

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in self.options]

    def queryset(self, request, queryset):
        value = self.value()
        allowed = {str(v): v for v, _label in self.options}
        if value in allowed:
            return queryset.filter(**{self.parameter_name: allowed[value]})
        return queryset


class EscalationLevelFilter(FixedChoicesFilter):
    title = _("escalation level")
    parameter_name = "escalation_level"
    options = [(level, str(level)) for level in range(4)]


@admin.register(Complaint)
class ComplaintAdmin(PersonalDataAdminMixin, ServiceActionsMixin, SimpleHistoryAdmin):
    """CMP-06: the steps the person may take now as buttons (the workflow kit), each calling
    its service; create, re-assign and severity go through the services in ``save_model``.
    The customer's data is masked unless the complaint is assigned to the agent (ORG-03)."""

    personal_fields = {"customer_name": NAME, "customer_phone": PHONE, "customer_email": EMAIL}

    def personal_data_needed(self, request, obj):
        agent = obj.assigned_agent
        return agent is not None and agent.user_id == request.user.pk

    list_display = [
        "id",
        "kind",
        "category",
        "severity",
        "state",
        "escalation_level",
        "assigned_agent",
        "respond_by",
        "resolve_by",
        "received_at",
    ]
    # Flat at a million rows (issue 14): the agent joined, no full count, a date range filter
    # (``received_at__gte``/``__lt``; no ``date_hierarchy``, which scans the table for its
    # dates), exact search on identifiers (``get_search_results``), ordered by the index
    # ``complaint_received_idx``.
    list_select_related = ["assigned_agent"]
    list_filter = [
        "state",
        "kind",
        "category",
        "severity",
        EscalationLevelFilter,
        "channel",
        ("received_at", admin.DateFieldListFilter),
    ]
    search_fields = ["=id"]  # the box is shown; the lookups are get_search_results'
    search_help_text = _("Complaint number, customer phone or waybill number (exact).")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Found by what the caller knows: the waybill number (exact), the partner's code or name, the
    # agent's number or name.
    autocomplete_fields = ["partner", "shipment", "assigned_agent"]
    inlines = [AttachmentInline, EscalationInline, MilestoneInline, PauseInline]
    service_actions = COMPLAINT_STEPS
    service_actions_available = staticmethod(services.complaint_steps_available)
    service_action_path = "step"
    expected_state_field = "state"
    deny_as_not_found = True

    @admin.display(description=_("promise to the customer"))
    def promise_status(self, obj):
        """CMP-03/04: the promise escalation never moves, marked when breached."""
        return services.promise_text(obj) or "-"

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_search_results(self, request, queryset, search_term):
        """Exact matches on indexed identifiers only: the complaint number, the customer's phone
        or the shipment's waybill number. No text search (nothing indexes it)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        match = Q(customer_phone=term) | Q(shipment__waybill_number=term)
        if term.isdigit() and len(term) <= 18:
            match |= Q(pk=int(term))
        return queryset.filter(match), False

    def get_readonly_fields(self, request, obj=None):
        return SLA_FIELDS + (READONLY_ON_CHANGE if obj else [])

    def get_fields(self, request, obj=None):
        editable = READONLY_ON_CHANGE + ["severity", "assigned_agent"]
        return editable + (SLA_FIELDS if obj else [])

    def save_model(self, request, obj, form, change):
        """The admin is a client of the services: create, re-assign, change severity."""
        if not change:
            created = services.complaint_create(
                user=request.user,
                **{
                    f: form.cleaned_data.get(f)
                    for f in READONLY_ON_CHANGE
                    if f in form.cleaned_data
                },
                severity=form.cleaned_data["severity"],
                assigned_agent=form.cleaned_data.get("assigned_agent"),
            )
            obj.pk = created.pk
            return
        if "assigned_agent" in form.changed_data:
            services.complaint_assign(obj, user=request.user, agent=obj.assigned_agent)
        if "severity" in form.changed_data:
            services.complaint_severity_change(
                obj, user=request.user, severity=obj.severity, reason=str(_("changed in the admin"))
            )

    def save_formset(self, request, form, formset, change):
        formset.save()

    def get_urls(self):
        return [
            path(
                "<int:pk>/attachment/<int:att>/",
                self.admin_site.admin_view(self.attachment_view),
                name="complaints_complaint_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request, pk, att):
        """Evidence is private: served only to staff who may view the complaint."""
        attachment = get_object_or_404(ComplaintAttachment, pk=att, complaint_id=pk)
        if not self.has_view_permission(request, attachment.complaint):
            raise PermissionDenied
        return FileResponse(attachment.file.open("rb"), as_attachment=True)
