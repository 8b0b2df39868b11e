"""Admin of exceptions, claims, evidence, COD handovers, returns and recall slips."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.masking import PersonalDataAdminMixin, personal_values
from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin
from courier.core.masking import NAME, PHONE, PRINT_PERMISSION
from courier.shipments.models import (
    CashHandover,
    CompensationProposal,
    DeliveryException,
    EvidencePhoto,
    InsuranceClaim,
    ParcelFollowUp,
    ParcelFollowUpNote,
    RecallSlip,
    ReturnRequest,
)
from courier.shipments.services import availability, claims, followups, returns, stations

from . import forms as f
from .common import NoAddDelete
from .orders import ORDER_PERSONAL_FIELDS, handles_shipments


class PhotoInline(admin.TabularInline):
    model = EvidencePhoto
    fields = ["file_link", "caption", "sha256", "taken_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("file"))
    def file_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        if not obj.file:
            return "-"
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("admin:courier_evidencephoto_file", args=[obj.pk]),
            _("open"),
        )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DeliveryException)
class DeliveryExceptionAdmin(NoAddDelete, ServiceActionsMixin, SimpleHistoryAdmin):
    list_display = ["shipment", "kind", "state", "created_at", "reported_to_network_at"]
    list_filter = ["kind", "state", "created_at"]
    list_select_related = ["shipment"]
    search_fields = ["=shipment__waybill_number"]
    readonly_fields = [
        "shipment",
        "kind",
        "cause",
        "handling",
        "result",
        "state",
        "customer_informed_at",
        "reported_to_network_at",
        "recorded_by",
        "created_at",
        "closed_at",
    ]
    inlines = [PhotoInline]
    service_actions_available = staticmethod(availability.delivery_exception_steps_available)
    service_actions = {
        "handle": ServiceAction(
            _("Handled (customer informed, reported to network point)"),
            lambda r, o, d: claims.exception_handle(
                o,
                user=r.user,
                handling=d["text"],
                customer_informed=True,
                reported_to_network=True,
            ),
            form=f.TextForm,
        ),
        "close": ServiceAction(
            _("Close with result"),
            lambda r, o, d: claims.exception_close(o, user=r.user, result=d["text"]),
            form=f.TextForm,
        ),
    }


@admin.register(InsuranceClaim)
class InsuranceClaimAdmin(NoAddDelete, SimpleHistoryAdmin):
    list_display = ["shipment", "amount", "status", "photo_count", "created_at"]
    list_filter = ["status"]
    list_select_related = ["shipment"]
    readonly_fields = ["exception", "shipment", "photo_count", "created_by", "created_at"]


@admin.register(CompensationProposal)
class CompensationProposalAdmin(NoAddDelete, SimpleHistoryAdmin):
    list_display = ["shipment", "amount", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["shipment"]
    readonly_fields = ["exception", "shipment", "created_by", "created_at"]


@admin.register(EvidencePhoto)
class EvidencePhotoAdmin(NoAddDelete, admin.ModelAdmin):
    """Photos and signatures are served only here, to staff allowed to view them."""

    list_display = ["shipment", "caption", "sha256", "taken_at", "erased_at"]
    list_select_related = ["shipment"]
    readonly_fields = [
        "shipment",
        "attempt",
        "exception",
        "return_request",
        "sha256",
        "content_type",
        "size",
        "caption",
        "taken_at",
        "uploaded_by",
        "erased_at",
    ]
    exclude = ["file"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(self.file_view),
                name="courier_evidencephoto_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, pk):
        photo = get_object_or_404(EvidencePhoto, pk=pk)
        if not self.has_view_permission(request, photo):
            raise PermissionDenied
        if not photo.file:
            raise Http404
        response = FileResponse(photo.file.open("rb"), content_type=photo.content_type or None)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


@admin.register(CashHandover)
class CashHandoverAdmin(NoAddDelete, ServiceActionsMixin, SimpleHistoryAdmin):
    list_display = ["shipment", "amount", "collected_by", "collected_at", "handed_to_finance_at"]
    list_filter = [("handed_to_finance_at", admin.EmptyFieldListFilter)]
    list_select_related = ["shipment", "collected_by"]
    readonly_fields = [
        "shipment",
        "amount",
        "collected_by",
        "collected_at",
        "handed_to_finance_at",
        "received_by",
    ]
    service_actions_available = staticmethod(availability.cash_handover_steps_available)
    service_actions = {
        "receive": ServiceAction(
            _("Received by finance"),
            lambda r, o, d: stations.cash_handover_receive(o, user=r.user),
        ),
    }


@admin.register(ReturnRequest)
class ReturnRequestAdmin(
    PersonalDataAdminMixin, NoAddDelete, ServiceActionsMixin, SimpleHistoryAdmin
):
    personal_fields = {"contact_name": NAME, "contact_phone": PHONE}

    def personal_data_needed(self, request, obj):
        return handles_shipments(request.user, [obj.shipment.dedicated_agent_id])

    list_display = [
        "shipment",
        "kind",
        "state",
        "quality_problem",
        "return_waybill_number",
        "created_at",
    ]
    list_filter = ["state", "kind", "quality_problem", "partner"]
    list_select_related = ["shipment"]
    search_fields = ["=shipment__waybill_number", "=return_waybill_number"]
    inlines = [PhotoInline]
    readonly_fields = [fld.name for fld in ReturnRequest._meta.fields]
    service_actions_available = staticmethod(availability.return_request_steps_available)
    service_actions = {
        "verify_photo": ServiceAction(
            _("Quality photo verified"),
            lambda r, o, d: returns.return_quality_photo_verify(o, user=r.user),
        ),
        "waive_photo": ServiceAction(
            _("Accept without photo (lining, insole…)"),
            lambda r, o, d: returns.return_quality_photo_waive(
                o, user=r.user, part=d["part"], reason=d["reason"]
            ),
            form=f.PhotoWaiverForm,
        ),
        "approve": ServiceAction(
            _("Approve"),
            lambda r, o, d: returns.return_request_approve(o, user=r.user),
        ),
        "reject": ServiceAction(
            _("Reject"),
            lambda r, o, d: returns.return_request_reject(o, user=r.user, reason=d["reason"]),
            form=f.ReasonForm,
            irreversible=True,
        ),
        "register": ServiceAction(
            _("Register return waybill"),
            lambda r, o, d: returns.return_waybill_register(o, user=r.user, **d),
            form=f.ReturnWaybillForm,
        ),
        "receive": ServiceAction(
            _("Warehouse inspection sign-off"),
            lambda r, o, d: returns.return_receive(o, user=r.user, **d),
            form=f.InspectionForm,
        ),
        "refund": ServiceAction(
            _("Refund"),
            lambda r, o, d: returns.return_refund(o, user=r.user, amount=d["amount"]),
            form=f.AmountForm,
        ),
        "early": ServiceAction(
            _("Supervisor: allow exchange before return"),
            lambda r, o, d: returns.exchange_early_approve(o, user=r.user, note=d["reason"]),
            form=f.ReasonForm,
        ),
        "ship_exchange": ServiceAction(
            _("Ship exchange"),
            lambda r, o, d: returns.exchange_ship(o, user=r.user),
        ),
    }


@admin.register(RecallSlip)
class RecallSlipAdmin(NoAddDelete, ServiceActionsMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "shipment", "state", "courier_name", "received_name", "received_on"]
    list_filter = ["state"]
    list_select_related = ["shipment"]
    readonly_fields = [fld.name for fld in RecallSlip._meta.fields]
    change_form_template = "admin/courier/recallslip/change_form.html"
    service_actions_available = staticmethod(availability.recall_slip_steps_available)
    service_actions = {
        "received": ServiceAction(
            _("Original parcel received"),
            lambda r, o, d: returns.recall_original_received(o, user=r.user, **d),
            form=f.ReceivedForm,
        ),
        "refund": ServiceAction(
            _("Refund"),
            lambda r, o, d: returns.recall_refund(o, user=r.user, amount=d["amount"]),
            form=f.AmountForm,
        ),
    }

    def get_urls(self):
        return [
            path(
                "<int:pk>/print/",
                self.admin_site.admin_view(self.print_view),
                name="courier_recallslip_print",
            ),
            *super().get_urls(),
        ]

    def print_view(self, request, pk):
        slip = get_object_or_404(
            RecallSlip.objects.select_related("shipment__order", "shipment__partner"), pk=pk
        )
        if not self.has_view_permission(request, slip):
            raise PermissionDenied
        sender = {k: v for k, v in ORDER_PERSONAL_FIELDS.items() if k.startswith("sender_")}
        personal, _full = personal_values(
            request, slip.shipment.order, sender, view="print", permission=PRINT_PERMISSION
        )
        return TemplateResponse(
            request,
            "courier/return_slip_print.html",
            {
                "personal": personal,
                "slip": slip,
                "shipment": slip.shipment,
                "order": slip.shipment.order,
                "parts": [
                    _("Part 1: kept by the printing desk"),
                    _("Part 2: taken by the courier"),
                ],
                "title": _("Return slip %(n)s") % {"n": slip.slip_number},
            },
        )


class FollowUpNoteInline(admin.TabularInline):
    model = ParcelFollowUpNote
    fields = ["written_at", "written_by", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


FOLLOWUP_ADD_FIELDS = [
    "kind",
    "parcel_waybill_number",
    "description",
    "shipment",
    "return_request",
]


@admin.register(ParcelFollowUp)
class ParcelFollowUpAdmin(ServiceActionsMixin, SimpleHistoryAdmin):
    """RET-08: opened here through the service (the warehouse: a return without a card); the
    notes, the forwarding, the re-send and settling are workflow steps."""

    list_display = ["parcel_waybill_number", "kind", "state", "shipment", "created_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["shipment"]
    search_fields = ["=parcel_waybill_number", "=forwarding_waybill_number"]
    # Found by what the warehouse knows (the waybill number), not by an internal id.
    autocomplete_fields = ["shipment", "return_request"]
    inlines = [FollowUpNoteInline]
    service_actions_available = staticmethod(followups.parcel_followup_steps_available)
    service_actions = {
        "note": ServiceAction(
            _("Add a note (call to the customer or courier)"),
            lambda r, o, d: followups.parcel_followup_note(o, user=r.user, **d),
            form=f.FollowUpNoteForm,
        ),
        "forwarding": ServiceAction(
            _("Record the forwarding"),
            lambda r, o, d: followups.parcel_followup_forwarding(o, user=r.user, **d),
            form=f.ForwardingForm,
        ),
        "resend": ServiceAction(
            _("Record the return and re-send"),
            lambda r, o, d: followups.parcel_followup_resend(o, user=r.user, **d),
            form=f.ResendForm,
        ),
        "close": ServiceAction(
            _("Settle"),
            lambda r, o, d: followups.parcel_followup_close(o, user=r.user, **d),
            form=f.FollowUpCloseForm,
        ),
    }

    def get_fields(self, request, obj=None):
        if obj is None:
            return FOLLOWUP_ADD_FIELDS
        return [fld.name for fld in ParcelFollowUp._meta.fields if fld.name != "id"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = followups.parcel_followup_open(
            user=request.user, **{name: data.get(name) for name in FOLLOWUP_ADD_FIELDS}
        )
        obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        """The service saved everything."""
