"""Complaint admin: the allowed transitions as buttons, each a small page calling its service."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
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
    State,
)

from .base import ServiceErrorsAsMessages
from .forms import STEPS, step_form

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


@admin.register(Complaint)
class ComplaintAdmin(ServiceErrorsAsMessages, SimpleHistoryAdmin):
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
    list_filter = ["state", "kind", "category", "severity", "escalation_level", "channel"]
    search_fields = ["customer_name", "customer_phone", "description", "=id"]
    date_hierarchy = "received_at"
    raw_id_fields = ["partner", "shipment"]
    inlines = [AttachmentInline, EscalationInline, MilestoneInline, PauseInline]
    change_form_template = "complaints/admin/complaint_change_form.html"

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

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

    # --- transition buttons ---------------------------------------------------------------
    def allowed_steps(self, request, obj) -> list[tuple[str, str]]:
        if obj is None:
            return []
        names = {t.name for t in obj.get_available_user_state_transitions(request.user)}
        names.discard("rectify")  # entered automatically when a rectification is open
        handle = request.user.has_perm("complaints.handle_complaint")
        supervise = request.user.has_perm("complaints.supervise_complaint")
        if obj.is_open and handle:
            if obj.escalation_level < 3:
                names.add("escalate")
            if obj.state == State.INVESTIGATING:
                names.add("findings")
            names.add("work_order")
            if obj.shipment_id:
                names.add("claim")
            if not hasattr(obj, "rectification"):
                names.add("rectification")
        rectification = getattr(obj, "rectification", None)
        if supervise and rectification is not None and rectification.state == "open":
            names.add("evaluate_rectification")
        if supervise and obj.state not in (State.RECEIVED, State.CANCELLED):
            standing = obj.verdicts.filter(overturned_at__isnull=True).exists()
            names.add("overturn_verdict" if standing else "verdict")
        return [(name, STEPS[name][0]) for name in STEPS if name in names]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "complaint_steps": self.allowed_steps(request, obj),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/step/<str:step>/",
                self.admin_site.admin_view(self.step_view),
                name="complaints_complaint_step",
            ),
            path(
                "<int:pk>/attachment/<int:att>/",
                self.admin_site.admin_view(self.attachment_view),
                name="complaints_complaint_attachment",
            ),
            *super().get_urls(),
        ]

    def step_view(self, request, pk, step):
        complaint = get_object_or_404(Complaint, pk=pk)
        if step not in STEPS or not self.has_view_permission(request, complaint):
            raise Http404
        back = reverse("admin:complaints_complaint_change", args=[pk])
        form = step_form(step, request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                self._run_step(request, complaint, step, form.cleaned_data)
            except services.ComplaintError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Done: %(step)s") % {"step": STEPS[step][0]})
            return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": complaint,
            "title": STEPS[step][0],
            "form": form,
            "expected_state": complaint.state,
            "back": back,
        }
        return TemplateResponse(request, "complaints/admin/complaint_step.html", context)

    def _run_step(self, request, c, step, data):
        user = request.user
        expected = request.POST.get("expected_state") or None
        kw = {"user": user, "expected_state": expected}
        if step == "accept":
            services.complaint_accept(c, **kw)
        elif step == "investigate":
            services.complaint_investigate(c, **kw)
        elif step == "findings":
            services.complaint_findings_record(
                c,
                user=user,
                findings=data["findings"],
                department=data.get("department"),
                employee=data.get("employee"),
            )
        elif step == "propose_solution":
            services.complaint_solution_propose(c, solution=data["solution"], **kw)
        elif step == "send_solution":
            services.complaint_solution_send(c, **kw)
        elif step in ("feedback_accept", "feedback_reject"):
            services.complaint_feedback_record(
                c, accepted=step == "feedback_accept", comment=data.get("comment", ""), **kw
            )
        elif step == "close":
            services.complaint_close(c, **kw)
        elif step == "reopen":
            services.complaint_reopen(c, reason=data["reason"], **kw)
        elif step == "cancel":
            services.complaint_cancel(
                c, cancel_reason=data["cancel_reason"], note=data["reason"], **kw
            )
        elif step == "escalate":
            services.complaint_escalate(c, user=user, reason=data["reason"])
        else:
            self._run_followup_step(user, c, step, data)

    def _run_followup_step(self, user, c, step, data):
        if step == "verdict":
            services.verdict_record(
                c,
                user=user,
                substantiated=data["substantiated"],
                findings=data["findings"],
                against_employee=data.get("against"),
            )
        elif step == "overturn_verdict":
            verdict = c.verdicts.get(overturned_at__isnull=True)
            services.verdict_overturn(verdict, user=user, reason=data["reason"])
        elif step == "work_order":
            services.work_order_create(
                c,
                user=user,
                assignee=data["assignee"],
                instructions=data["instructions"],
                due_at=data.get("due_at"),
            )
        elif step == "rectification":
            services.rectification_open(
                c,
                user=user,
                problem=data["problem"],
                measures=[
                    {
                        "description": data["measure"],
                        "owner": data["owner"],
                        "due_on": data["due_on"],
                    }
                ],
            )
        elif step == "evaluate_rectification":
            services.rectification_evaluate(
                c.rectification,
                user=user,
                satisfaction_before=data["satisfaction_before"],
                satisfaction_after=data["satisfaction_after"],
                process_improvement=data["process_improvement"],
            )
        elif step == "claim":
            services.complaint_claim_file(
                c,
                user=user,
                kind=data["claim_kind"],
                cause=data["cause"],
                amount=data.get("amount"),
                photos=[f for f in (data.get("photo1"), data.get("photo2")) if f],
            )

    def attachment_view(self, request, pk, att):
        """Evidence is private: served only to staff who may view the complaint."""
        attachment = get_object_or_404(ComplaintAttachment, pk=att, complaint_id=pk)
        if not self.has_view_permission(request, attachment.complaint):
            raise PermissionDenied
        return FileResponse(attachment.file.open("rb"), as_attachment=True)
