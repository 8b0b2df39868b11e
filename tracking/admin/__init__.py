"""Admin of the tracking app: the rules (policy, code table, SMS templates), the event ledger,
the follow-up calls with their buttons, the contact log, and the agent's queue page."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.history import ChangeReasonMixin
from courier.core.admin.masking import PersonalDataAdminMixin
from courier.core.admin.workflow import (
    ServiceAction,
    ServiceActionsMixin,
    fsm_transition_possible,
)
from courier.core.masking import NAME, PHONE
from staffing import selectors as staffing_selectors
from tracking import rules, selectors, services
from tracking.models import (
    ArchivedTrackingEvent,
    Attitude,
    ChaseReply,
    ContactLog,
    EventRetention,
    FollowUpTask,
    GoodsCondition,
    Outcome,
    ShipmentTracking,
    SmsMessage,
    SmsTemplate,
    StatusMapping,
    TrackingEvent,
    TrackingPolicy,
)
from tracking.services.work import FINAL_OUTCOMES

POLICY_PERMISSION = "tracking.manage_trackingpolicy"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _sweep_run(request, policy_row, data):
    result = services.tracking_sweep(user=request.user)
    return _("Sweep done: %(opened)s calls opened, %(overdue)s overdue reported.") % {
        "opened": result.opened,
        "overdue": result.overdue,
    }


@admin.register(TrackingPolicy)
class TrackingPolicyAdmin(ChangeReasonMixin, ServiceActionsMixin, SimpleHistoryAdmin):
    """Every number of the tracking rules; only holders of ``manage_trackingpolicy`` edit it.
    The sweep times are the ``tracking-sweep-*`` periodic tasks (beat schedule)."""

    list_display = ["__str__", "stale_hours", "chase_days", "same_day_due", "next_day_due"]
    service_actions = {
        "sweep": ServiceAction(
            _("Run the in-transit sweep now"), _sweep_run, permission="view", confirm=True
        ),
    }

    def get_urls(self):
        from tracking.admin.prints import inventory_print_view  # TRK-09 print view

        return [
            path(
                "inventory/<int:run_id>/print/",
                self.admin_site.admin_view(inventory_print_view),
                name="tracking_station_inventory_print",
            ),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return not TrackingPolicy.objects.exists() and request.user.has_perm(POLICY_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(POLICY_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusMapping)
class StatusMappingAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    list_display = ["code", "partner", "status", "sub_status", "label"]
    list_filter = ["status", "partner"]
    search_fields = ["code", "label"]
    autocomplete_fields = ["partner"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(POLICY_PERMISSION)

    def has_add_permission(self, request):
        return request.user.has_perm(POLICY_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(POLICY_PERMISSION)


@admin.register(EventRetention)
class EventRetentionAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    """Issue 19 item 11: a partner's own archival policy (months its closed shipments' events
    stay live); the default is on the tracking policy."""

    list_display = ["partner", "keep_months"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(POLICY_PERMISSION)

    def has_add_permission(self, request):
        return request.user.has_perm(POLICY_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(POLICY_PERMISSION)


@admin.register(ArchivedTrackingEvent)
class ArchivedTrackingEventAdmin(ReadOnlyAdmin):
    """Events the archival job moved out of the live table (read only)."""

    list_display = ["shipment_id", "seq", "status", "sub_status", "occurred_at", "archived_at"]
    list_filter = ["status"]
    search_fields = ["=shipment__waybill_number", "=partner_event_id"]
    show_full_result_count = False


@admin.register(SmsTemplate)
class SmsTemplateAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    list_display = ["code", "body"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(POLICY_PERMISSION)

    def has_add_permission(self, request):
        return request.user.has_perm(POLICY_PERMISSION)


@admin.register(SmsMessage)
class SmsMessageAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    personal_fields = {"to_phone": PHONE}  # ORG-03: nobody's work needs it in full here
    list_display = ["to_phone", "template", "state", "created_at", "sent_at"]
    list_filter = ["state", "template"]


@admin.register(TrackingEvent)
class TrackingEventAdmin(ReadOnlyAdmin):
    list_display = ["shipment", "seq", "status", "sub_status", "occurred_at", "location", "source"]
    list_filter = ["status", "source"]
    search_fields = ["shipment__waybill_number", "partner_event_id"]
    list_select_related = ["shipment"]
    show_full_result_count = False  # the largest table: no COUNT(*) per page


@admin.register(ShipmentTracking)
class ShipmentTrackingAdmin(ReadOnlyAdmin):
    list_display = ["shipment", "last_status", "last_event_at", "estimate_at", "active"]
    list_filter = ["active", "last_status"]
    search_fields = ["shipment__waybill_number"]
    list_select_related = ["shipment"]


class AttemptForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(o.value, o.label) for o in Outcome if o in FINAL_OUTCOMES]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class ArrivalForm(CompleteForm):
    arrival_time = forms.DateTimeField(label=_("Arrival time"))
    goods_condition = forms.ChoiceField(label=_("Goods condition"), choices=GoodsCondition.choices)
    driver_attitude = forms.ChoiceField(
        label=_("Driver's service attitude"), choices=Attitude.choices
    )
    signed_by = forms.CharField(label=_("Signed by"), max_length=100)


class ChaseReplyForm(forms.Form):
    station_head = forms.CharField(label=_("Station head"), max_length=100)
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea({"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 2}))


def _is_reason(*reasons):
    def check(task, user):
        return task.state == "open" and task.reason in reasons

    return check


def _not_reason(*reasons):
    def check(task, user):
        return task.state == "open" and task.reason not in reasons

    return check


class ChaseReplyInline(admin.TabularInline):
    model = ChaseReply
    extra = 0
    can_delete = False
    fields = ["day", "station_head", "reply", "recorded_by", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(ServiceActionsMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    """TRK-03/04/05/10: calls with their buttons; ``my-queue/`` is the agent's page."""

    list_display = ["shipment", "reason", "state", "due_at", "assignee", "attempts", "outcome"]
    list_filter = ["state", "reason"]
    search_fields = ["shipment__waybill_number"]
    list_select_related = ["shipment", "assignee"]
    inlines = [ChaseReplyInline]
    service_actions = {
        "attempt": ServiceAction(
            _("No answer (one more attempt)"),
            lambda r, t, d: services.follow_up_attempt_record(t, user=r.user, note=d["note"]),
            form=AttemptForm,
            available=fsm_transition_possible("complete"),
        ),
        "complete": ServiceAction(
            _("Record the outcome"),
            lambda r, t, d: services.follow_up_complete(
                t, user=r.user, outcome=d["outcome"], note=d["note"]
            ),
            form=CompleteForm,
            available=_not_reason(rules.ARRIVAL),
        ),
        "confirm_arrival": ServiceAction(
            _("Confirm the arrival"),
            lambda r, t, d: services.follow_up_complete(
                t,
                user=r.user,
                outcome=d["outcome"],
                note=d["note"],
                arrival_time=d["arrival_time"],
                goods_condition=d["goods_condition"],
                driver_attitude=d["driver_attitude"],
                signed_by=d["signed_by"],
            ),
            form=ArrivalForm,
            available=_is_reason(rules.ARRIVAL),
        ),
        "chase_reply": ServiceAction(
            _("Record today's station reply"),
            lambda r, t, d: services.chase_reply_record(
                t, user=r.user, station_head=d["station_head"], reply=d["reply"]
            ),
            form=ChaseReplyForm,
            available=_is_reason(rules.CHASE),
        ),
        "cancel": ServiceAction(
            _("Cancel the call"),
            lambda r, t, d: services.follow_up_cancel(t, user=r.user, reason=d["reason"]),
            form=CancelForm,
            available=fsm_transition_possible("cancel"),
        ),
    }

    def get_urls(self):
        return [
            path(
                "my-queue/",
                self.admin_site.admin_view(self.queue_view),
                name="tracking_followuptask_queue",
            ),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        """The agent's queue: open calls and chases due today, today's open contacts."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        employee = staffing_selectors.employee_for_user(request.user)
        today = timezone.localdate()
        queue = selectors.agent_queue(employee, today) if employee else None
        if employee is None:
            messages.info(request, _("You have no employee record, so no queue of your own."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("My queue"),
            "opts": self.opts,
            "queue": queue,
            "today": today,
            "unassigned": list(selectors.unassigned_queue()[:50]),
            "figures": selectors.revisit_figures(today),
        }
        return TemplateResponse(request, "tracking/queue.html", context)


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = [
            "channel",
            "kind",
            "waybill_number",
            "customer_name",
            "customer_phone",
            "summary",
            "outcome",
        ]


class RouteComplaintForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[
            ("service_quality", _("Service quality")),
            ("cargo_damage", _("Cargo damage")),
            ("cargo_loss", _("Cargo loss")),
            ("delay", _("Delay")),
            ("staff_attitude", _("Staff attitude")),
            ("other", _("Other")),
        ],
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea({"rows": 2}))


def _routable(contact, user):
    return contact.state == "open" and not contact.route


@admin.register(ContactLog)
class ContactLogAdmin(PersonalDataAdminMixin, ServiceActionsMixin, SimpleHistoryAdmin):
    """TRK-01/CMP-01: log a contact (the form calls ``contact_record``), then route it. The
    customer's data is masked unless the contact is the agent's or nobody's yet (ORG-03)."""

    personal_fields = {"customer_name": NAME, "customer_phone": PHONE}

    def personal_data_needed(self, request, obj):
        return obj.agent is None or obj.agent.user_id == request.user.pk

    form = ContactForm
    list_display = ["received_at", "channel", "kind", "waybill_number", "agent", "state", "route"]
    list_filter = ["channel", "kind", "state", "route", "lookup"]
    search_fields = ["waybill_number"]
    list_select_related = ["agent"]
    service_actions = {
        "to_complaint": ServiceAction(
            _("Route into a complaint"),
            lambda r, c, d: services.contact_route_complaint(
                c, user=r.user, category=d["category"]
            ),
            form=RouteComplaintForm,
            available=_routable,
        ),
        "to_call": ServiceAction(
            _("Route into a call task"),
            lambda r, c, d: services.contact_route_call(c, user=r.user),
            confirm=True,
            available=_routable,
        ),
        "close": ServiceAction(
            _("Close with an outcome"),
            lambda r, c, d: services.contact_close(c, user=r.user, outcome=d["outcome"]),
            form=CloseForm,
            available=fsm_transition_possible("close"),
        ),
    }

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        created = services.contact_record(
            user=request.user,
            channel=data["channel"],
            kind=data["kind"],
            waybill_number=data.get("waybill_number", ""),
            customer_name=data.get("customer_name", ""),
            customer_phone=data.get("customer_phone", ""),
            summary=data.get("summary", ""),
            outcome=data.get("outcome", ""),
        )
        obj.pk = created.pk
