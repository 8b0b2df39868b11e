"""Admin of shipments: the workflow buttons (state changes, modification, stations, delivery,
returns), the search and the printable waybill."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.masking import PersonalDataAdminMixin, personal_values
from courier.core.admin.paginators import EstimatedCountPaginator
from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin, error_messages
from courier.core.errors import ApplicationError
from courier.core.masking import NAME, PRINT_PERMISSION
from courier.shipments import labels, rules
from courier.shipments.models import (
    CounterPickup,
    DeliveryAttempt,
    DeliveryException,
    DeskInstruction,
    EvidencePhoto,
    RecallSlip,
    ReturnRequest,
    Shipment,
    StationScan,
)
from courier.shipments.services import (
    availability,
    claims,
    delivery,
    desk,
    modify,
    printing,
    returns,
    shipments,
    stations,
)

from . import forms as f
from .common import ReadOnlyInline, modification_message, outcome_message
from .orders import ORDER_PERSONAL_FIELDS, modify_initial


class DeliveryAttemptInline(PersonalDataAdminMixin, ReadOnlyInline):
    model = DeliveryAttempt
    personal_fields = {"signer_name": NAME}  # always masked here (ORG-03)
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


MODIFY_CONFIRMATION = ("confirmed_via", "confirmation_note")


def _transition(name: str, label, *, irreversible: bool = False) -> ServiceAction:
    def run(request, obj, data):
        shipments.shipment_transition(obj, name, user=request.user)
        return _("Shipment %(n)s: %(label)s.") % {"n": obj.waybill_number, "label": label}

    return ServiceAction(label, run, irreversible=irreversible)


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
    search_fields = ["waybill_number__exact"]  # the lookups are get_search_results'

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

    service_actions_available = staticmethod(availability.shipment_steps_available)
    service_actions = {
        "print_waybill": _transition("print_waybill", _("Mark printed")),
        "reprint": ServiceAction(
            _("Re-printed"),
            lambda r, o, d: shipments.shipment_reprint(o, user=r.user),
        ),
        "pack": _transition("pack", _("Packed")),
        "pick_up": _transition("pick_up", _("Picked up")),
        "depart": _transition("depart", _("In transit")),
        "arrive_at_station": _transition("arrive_at_station", _("Arrived at station")),
        "send_out": _transition("send_out", _("Out for delivery")),
        "mark_lost": _transition("mark_lost", _("Lost"), irreversible=True),
        "modify": ServiceAction(
            _("Modify (customer request)"),
            lambda r, o, d: modification_message(
                modify.shipment_modify(
                    o,
                    {
                        k: v
                        for k, v in d.items()
                        if v not in (None, "") and k not in MODIFY_CONFIRMATION
                    },
                    user=r.user,
                    **{k: d.get(k) or "" for k in MODIFY_CONFIRMATION},
                )
            ),
            form=f.ModifyForm,
            initial=modify_initial,
        ),
        "cancel": ServiceAction(
            _("Cancel"),
            lambda r, o, d: outcome_message(
                shipments.shipment_cancel(o, user=r.user, reason=d["reason"])
            ),
            form=f.ReasonForm,
            irreversible=True,
        ),
        "inbound": ServiceAction(
            _("Station inbound"),
            lambda r, o, d: stations.station_inbound(o, user=r.user, **d),
            form=f.StationInboundForm,
            permission=("add", StationScan),
        ),
        "outbound": ServiceAction(
            _("Station outbound"),
            lambda r, o, d: stations.station_outbound(o, user=r.user, **d),
            form=f.StationOutboundForm,
            permission=("add", StationScan),
        ),
        "counter_pickup": ServiceAction(
            _("Counter pickup"),
            lambda r, o, d: stations.counter_pickup_record(
                o,
                d["station"],
                user=r.user,
                picker_name=d["picker_name"],
                id_number=d["id_number"],
                id_checked=d["id_checked"],
                signature=d["signature"],
                cod_collected=d["cod_collected"] or 0,
            ),
            form=f.CounterPickupForm,
            permission=("add", CounterPickup),
        ),
        "authorise": ServiceAction(
            _("Record authorised recipient"),
            lambda r, o, d: delivery.delivery_authorisation_record(o, user=r.user, **d),
            form=f.AuthorisationForm,
            permission=delivery.delivery_authorisation_allowed,
        ),
        "attempt": ServiceAction(
            _("Record delivery attempt"),
            _attempt,
            form=f.DeliveryAttemptForm,
        ),
        "exception": ServiceAction(
            _("Record exception"),
            lambda r, o, d: claims.exception_record(o, user=r.user, **d),
            form=f.ExceptionForm,
            permission=("add", DeliveryException),
        ),
        "recall": ServiceAction(
            _("Recall (return slip)"),
            lambda r, o, d: returns.recall_issue(o, user=r.user, **d),
            form=f.RecallForm,
            permission=("add", RecallSlip),
        ),
        "return_request": ServiceAction(
            _("Return / exchange"),
            lambda r, o, d: returns.return_request_create(o, user=r.user, **d),
            form=f.ReturnRequestForm,
            permission=("add", ReturnRequest),
        ),
        "instruct": ServiceAction(
            _("Instruct a desk"),
            lambda r, o, d: desk.desk_instruction_issue(user=r.user, shipment=o, **d),
            form=f.DeskInstructionForm,
            permission=("add", DeskInstruction),
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

    # One page of labels: more than this many selected is refused (split the selection).
    bulk_print_limit = 50
    actions = ["print_waybills"]

    def has_print_permission(self, request):
        return request.user.has_perm(printing.P_PRINT)

    def _label(self, request, shipment) -> dict:
        # ORG-03: the printing desk prints the label in full (recorded); anyone else sees the
        # label masked, the address down to the district.
        personal, full = personal_values(
            request,
            shipment.order,
            ORDER_PERSONAL_FIELDS,
            view="print",
            permission=PRINT_PERMISSION,
        )
        return {
            "shipment": shipment,
            "order": shipment.order,
            "personal": personal,
            "personal_full": full,
            "lines": shipment.order.lines.all(),
            **labels.label_marks(shipment.waybill_number),
        }

    def _labels_page(self, request, shipments_, *, title, mark_url=None, autoprint=False):
        context = {
            "labels": [self._label(request, s) for s in shipments_],
            "title": title,
            "mark_url": mark_url,
            "autoprint": autoprint,
            "may_mark": self.has_print_permission(request),
        }
        return TemplateResponse(request, "courier/waybill_print.html", context)

    def print_view(self, request, object_id):
        """GET: the label; POST (the page's button, printing desk only): record the print
        through the service, then back to the label, which prints itself."""
        shipment = get_object_or_404(
            Shipment.objects.select_related("order", "partner"), pk=object_id
        )
        if not self.has_view_permission(request, shipment):
            raise PermissionDenied
        if request.method == "POST":
            try:
                result = printing.shipment_print_record(shipment, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, error_messages(exc), messages.ERROR)
                return redirect(request.path)
            self.message_user(request, PRINT_MESSAGES[result.outcome] % _waybill(shipment))
            return redirect(f"{request.path}?print=1")
        return self._labels_page(
            request,
            [shipment],
            title=_("Waybill %(n)s") % {"n": shipment.waybill_number},
            mark_url=request.path,
            autoprint=request.GET.get("print") == "1",
        )

    @admin.action(description=_("Print waybills"), permissions=["print"])
    def print_waybills(self, request, queryset):
        """One label per selected shipment on one page, each recorded as printed."""
        selected = list(
            queryset.select_related("order", "partner").order_by("pk")[: self.bulk_print_limit + 1]
        )
        if len(selected) > self.bulk_print_limit:
            self.message_user(
                request,
                _(
                    "At most %(limit)d waybills are printed at once: select fewer and print "
                    "them in several pages."
                )
                % {"limit": self.bulk_print_limit},
                messages.ERROR,
            )
            return None
        done = printing.shipments_print_record(selected, user=request.user)
        for shipment, message in done.refused:
            self.message_user(request, f"{shipment.waybill_number}: {message}", messages.ERROR)
        if not done.results:
            return None
        count = len(done.results)
        return self._labels_page(
            request,
            [r.shipment for r in done.results],
            title=ngettext("%(count)d waybill", "%(count)d waybills", count) % {"count": count},
            autoprint=True,
        )


def _waybill(shipment) -> dict:
    return {"n": shipment.waybill_number}


PRINT_MESSAGES = {
    printing.PRINTED: _("Waybill %(n)s recorded as printed."),
    printing.REPRINTED: _("Waybill %(n)s recorded as re-printed."),
    printing.ALREADY: _("Waybill %(n)s was already printed; printed again, nothing changed."),
}
