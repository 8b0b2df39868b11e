"""Admin of orders and shipments: intake, state buttons, modification, delivery, printing."""

from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.paginators import EstimatedCountPaginator
from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin
from courier.shipments import rules
from courier.shipments.models import (
    DeliveryAttempt,
    DeliveryException,
    DeskInstruction,
    DispatchSettings,
    EvidencePhoto,
    Order,
    OrderException,
    OrderLine,
    OrderRemark,
    Shipment,
    Station,
    StationScan,
)
from courier.shipments.services import claims, delivery, desk, orders, returns, shipments, stations

from . import forms as f


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["name", "attributes", "quantity", "unit_price", "amount"]
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["amount"].required = False
        return formset

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return obj is None and super().has_add_permission(request, obj)


class OrderExceptionInline(ReadOnlyInline):
    model = OrderException
    fields = ["kind", "detail", "state", "contacted_at", "resolution", "resolved_at"]
    readonly_fields = fields


class OrderRemarkInline(ReadOnlyInline):
    model = OrderRemark
    fields = ["text", "author", "created_at"]
    readonly_fields = fields
    show_change_link = False


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = ["waybill_number", "kind", "state", "created_at"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    """Intake through ``order_intake``; afterwards read-only (changes go through the shipment's
    "Modify" page, SHP-06)."""

    form = f.OrderIntakeForm
    list_display = [
        "partner_ref",
        "partner",
        "channel",
        "recipient_name",
        "verification",
        "promised_dispatch_date",
        "created_at",
    ]
    list_filter = ["verification", "channel", "partner", "transport_mode"]
    list_select_related = ["partner"]
    search_fields = ["=partner_ref", "=recipient_phone_last4"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_inlines(self, request, obj):
        if obj is None:
            return [OrderLineInline]
        return [OrderLineInline, OrderExceptionInline, OrderRemarkInline, ShipmentInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [fld.name for fld in Order._meta.fields]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*f.OrderIntakeForm.Meta.fields, "cod_amount"]
        return [fld.name for fld in Order._meta.fields if fld.name != "id"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Nothing here: the service saves everything in ``save_related``."""

    def save_related(self, request, form, formsets, change):
        if change:
            return
        lines = [
            {
                k: v
                for k, v in row.items()
                if k in ("name", "attributes", "quantity", "unit_price", "amount")
            }
            for fs in formsets
            for row in fs.cleaned_data
            if row and not row.get("DELETE")
        ]
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("partner", "cod_amount")}
        result = orders.order_intake(
            form.cleaned_data["partner"],
            data,
            lines,
            user=request.user,
            cod_amount=form.cleaned_data.get("cod_amount") or 0,
        )
        form.instance.pk = result.order.pk
        form.instance._state.adding = False
        for fs in formsets:  # the service saved the lines; nothing for the log to list
            fs.new_objects, fs.changed_objects, fs.deleted_objects = [], [], []


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = [
        "number",
        "outcome",
        "attempted_at",
        "signer_name",
        "signer_is_recipient",
        "packing_intact",
        "count_matches",
        "appearance_ok",
        "inspection_abnormal",
        "signed_at",
        "signature_sha256",
    ]
    readonly_fields = fields
    show_change_link = False


class DeliveryExceptionInline(ReadOnlyInline):
    model = DeliveryException
    fields = ["kind", "cause", "state", "handling", "result", "created_at"]
    readonly_fields = fields


class EvidencePhotoInline(ReadOnlyInline):
    model = EvidencePhoto
    fields = ["open_file", "caption", "sha256", "taken_at", "erased_at"]
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("file"))
    def open_file(self, obj):
        if not obj.file:
            return "-"
        url = reverse("admin:courier_evidencephoto_file", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("open"))


class StationScanInline(ReadOnlyInline):
    model = StationScan
    fields = [
        "direction",
        "station",
        "intact",
        "weight_kg",
        "shelf_location",
        "quantity",
        "source",
        "scanned_at",
        "scanned_by",
    ]
    readonly_fields = fields
    show_change_link = False


class DeskInstructionInline(ReadOnlyInline):
    model = DeskInstruction
    fields = ["desk", "text", "urgent", "state", "feedback", "created_at"]
    readonly_fields = fields


def _transition(name: str, label) -> ServiceAction:
    def run(request, obj, data):
        shipments.shipment_transition(obj, name, user=request.user)
        return _("Shipment %(n)s: %(label)s.") % {"n": obj.waybill_number, "label": label}

    def available(request, obj):
        method = getattr(obj, name)
        return can_proceed(method) and has_transition_perm(method, request.user)

    return ServiceAction(label, run, available=available)


def _outcome_message(outcome) -> str:
    if outcome.route in (rules.MODIFY_AFTERSALES, rules.CANCEL_RECALL):
        return _("Already shipped: handed to after-sales.")
    return _("Done (%(route)s).") % {"route": outcome.route}


def _in(*states):
    return lambda request, obj: obj.state in states


def _attempt(request, obj, d):
    delivery.delivery_attempt_record(
        obj,
        user=request.user,
        delivered=d["delivered"],
        courier_name=d["courier_name"],
        failure_kind=d["failure_kind"],
        failure_reason=d["failure_reason"],
        signer_name=d["signer_name"],
        packing_intact=d["packing_intact"],
        count_matches=d["count_matches"],
        appearance_ok=d["appearance_ok"],
        inspection_note=d["inspection_note"],
        signature=d["signature"],
        photos=d["photos"],
        cod_collected=d["cod_collected"] or 0,
    )


@admin.register(Shipment)
class ShipmentAdmin(ServiceActionsMixin, SimpleHistoryAdmin):
    list_display = [
        "waybill_number",
        "partner",
        "partner_ref",
        "kind",
        "state",
        "created_at",
        "updated_at",
    ]
    list_filter = ["state", "kind", "partner", "order__channel", "created_at"]
    list_select_related = ["partner", "order"]
    search_fields = ["=waybill_number"]
    search_help_text = _("Waybill number, partner order reference or the phone's last 4 digits.")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    inlines = [
        DeliveryAttemptInline,
        DeliveryExceptionInline,
        EvidencePhotoInline,
        StationScanInline,
        DeskInstructionInline,
    ]
    readonly_fields = [
        "waybill_number",
        "order_link",
        "partner",
        "kind",
        "state",
        "cod_amount",
        "dedicated_agent",
        "print_count",
        "needs_reprint",
        "printed_at",
        "shipped_at",
        "delivered_at",
        "completed_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/courier/shipment/change_form.html"

    service_actions = {
        "print_waybill": _transition("print_waybill", _("Mark printed")),
        "reprint": ServiceAction(
            _("Re-printed"),
            lambda r, o, d: shipments.shipment_reprint(o, user=r.user) and None,
            available=lambda r, o: o.needs_reprint,
        ),
        "pack": _transition("pack", _("Packed")),
        "pick_up": _transition("pick_up", _("Picked up")),
        "depart": _transition("depart", _("In transit")),
        "arrive_at_station": _transition("arrive_at_station", _("Arrived at station")),
        "send_out": _transition("send_out", _("Out for delivery")),
        "mark_lost": _transition("mark_lost", _("Lost")),
        "modify": ServiceAction(
            _("Modify (customer request)"),
            lambda r, o, d: _outcome_message(
                orders.shipment_modify(
                    o, {k: v for k, v in d.items() if v not in (None, "")}, user=r.user
                )
            ),
            form=f.ModifyForm,
        ),
        "cancel": ServiceAction(
            _("Cancel"),
            lambda r, o, d: _outcome_message(
                shipments.shipment_cancel(o, user=r.user, reason=d["reason"])
            ),
            form=f.ReasonForm,
            available=_in("created", "printed", "packed", *rules.SHIPPED_STATES),
        ),
        "inbound": ServiceAction(
            _("Station inbound"),
            lambda r, o, d: stations.station_inbound(o, user=r.user, **d) and None,
            form=f.StationInboundForm,
            available=_in("in_transit", "at_station"),
        ),
        "outbound": ServiceAction(
            _("Station outbound"),
            lambda r, o, d: stations.station_outbound(o, user=r.user, **d) and None,
            form=f.StationOutboundForm,
            available=_in("at_station", "delivery_failed"),
        ),
        "counter_pickup": ServiceAction(
            _("Counter pickup"),
            lambda r, o, d: (
                stations.counter_pickup_record(
                    o,
                    d["station"],
                    user=r.user,
                    picker_name=d["picker_name"],
                    id_number=d["id_number"],
                    id_checked=d["id_checked"],
                    signature=d["signature"],
                    cod_collected=d["cod_collected"] or 0,
                )
                and None
            ),
            form=f.CounterPickupForm,
            available=_in("at_station"),
        ),
        "authorise": ServiceAction(
            _("Record authorised recipient"),
            lambda r, o, d: delivery.delivery_authorisation_record(o, user=r.user, **d) and None,
            form=f.AuthorisationForm,
            available=lambda r, o: o.completed_at is None,
        ),
        "attempt": ServiceAction(
            _("Record delivery attempt"),
            _attempt,
            form=f.DeliveryAttemptForm,
            available=_in("out_for_delivery"),
        ),
        "exception": ServiceAction(
            _("Record exception"),
            lambda r, o, d: claims.exception_record(o, user=r.user, **d) and None,
            form=f.ExceptionForm,
        ),
        "recall": ServiceAction(
            _("Recall (return slip)"),
            lambda r, o, d: returns.recall_issue(o, user=r.user, **d) and None,
            form=f.RecallForm,
            available=lambda r, o: (
                o.state in rules.SHIPPED_STATES and r.user.has_perm("courier.recall_shipment")
            ),
        ),
        "return_request": ServiceAction(
            _("Return / exchange"),
            lambda r, o, d: returns.return_request_create(o, user=r.user, **d) and None,
            form=f.ReturnRequestForm,
            available=_in("delivered"),
        ),
        "instruct": ServiceAction(
            _("Instruct a desk"),
            lambda r, o, d: desk.desk_instruction_issue(user=r.user, shipment=o, **d) and None,
            form=f.DeskInstructionForm,
        ),
    }

    @admin.display(description=_("partner order reference"), ordering="order__partner_ref")
    def partner_ref(self, obj):
        return obj.order.partner_ref

    @admin.display(description=_("order"))
    def order_link(self, obj):
        url = reverse("admin:courier_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order.partner_ref)

    def get_search_results(self, request, queryset, search_term):
        """Exact lookups on indexed columns only (a million rows): a 12-digit term is a waybill
        number, 4 digits the recipient phone's last four, anything else the partner ref."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if len(term) == 4 and term.isdigit():
            return queryset.filter(order__recipient_phone_last4=term), False
        if len(term) == rules.WAYBILL_LENGTH and term.isdigit():
            return queryset.filter(waybill_number=term), False
        return queryset.filter(order__partner_ref=term), False

    def has_add_permission(self, request):
        return False  # waybills come from order intake

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/print/",
                self.admin_site.admin_view(self.print_view),
                name="courier_shipment_print",
            ),
            *super().get_urls(),
        ]

    def print_view(self, request, object_id):
        shipment = get_object_or_404(
            Shipment.objects.select_related("order", "partner"), pk=object_id
        )
        if not self.has_view_permission(request, shipment):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        context = {
            "shipment": shipment,
            "order": shipment.order,
            "lines": shipment.order.lines.all(),
            "title": _("Waybill %(n)s") % {"n": shipment.waybill_number},
        }
        return TemplateResponse(request, "courier/waybill_print.html", context)


@admin.register(DeskInstruction)
class DeskInstructionAdmin(ServiceActionsMixin, SimpleHistoryAdmin):
    list_display = ["text", "desk", "urgent", "state", "issued_by", "created_at", "done_at"]
    list_filter = ["desk", "state", "urgent"]
    list_select_related = ["issued_by"]
    readonly_fields = [
        "desk",
        "shipment",
        "text",
        "urgent",
        "signed_name",
        "signed_on",
        "state",
        "issued_by",
        "acknowledged_by",
        "acknowledged_at",
        "done_by",
        "done_at",
        "feedback",
        "created_at",
    ]
    service_actions = {
        "acknowledge": ServiceAction(
            _("Acknowledge"),
            lambda r, o, d: desk.desk_instruction_acknowledge(o, user=r.user) and None,
            available=_in("sent"),
        ),
        "complete": ServiceAction(
            _("Done (report back)"),
            lambda r, o, d: desk.desk_instruction_complete(o, user=r.user, **d) and None,
            form=f.FeedbackForm,
            available=_in("sent", "acknowledged"),
        ),
    }

    def has_add_permission(self, request):
        return False  # issued from a shipment page or by the system

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrderException)
class OrderExceptionAdmin(ServiceActionsMixin, SimpleHistoryAdmin):
    list_display = ["order", "kind", "state", "created_at", "resolved_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["order"]
    readonly_fields = [
        "order",
        "kind",
        "detail",
        "state",
        "contacted_at",
        "contact_note",
        "resolution",
        "resolved_at",
        "handled_by",
        "created_at",
    ]
    service_actions = {
        "contact": ServiceAction(
            _("Customer contacted"),
            lambda r, o, d: orders.order_exception_contact(o, user=r.user, note=d["text"]) and None,
            form=f.TextForm,
            available=_in("open"),
        ),
        "resolve": ServiceAction(
            _("Resolved"),
            lambda r, o, d: (
                orders.order_exception_resolve(o, user=r.user, resolution=d["text"]) and None
            ),
            form=f.TextForm,
            available=_in("open", "contacted"),
        ),
    }

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "city", "is_active"]
    search_fields = ["code", "name"]


@admin.register(DispatchSettings)
class DispatchSettingsAdmin(SimpleHistoryAdmin):
    """SHP-08: the cut-off and made-to-order lead time; SHP-11: when invalid orders' waybills are
    voided. Ops edit them here; every process sees an edit within ``CACHE_SECONDS``."""

    list_display = ["__str__", "cutoff_time", "made_to_order_hours", "invalid_abandon_days"]

    def has_add_permission(self, request):
        return not DispatchSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
