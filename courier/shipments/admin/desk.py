"""Admin of the order desk: red-flag remarks and whether the printing desk was told (P1/P2),
remark templates, refund tasks after a void, stock confirmations, transport-mode rules and
choices, and the printing desk's signed print batches with their printable sheet."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.history import ChangeReasonMixin
from courier.core.admin.workflow import (
    ServiceAction,
    ServiceActionsMixin,
    ServiceErrorsAsMessages,
)
from courier.core.masking import mask_phones_in_text
from courier.shipments import rules
from courier.shipments.models import (
    DispatchSettings,
    OrderRemark,
    PrintBatch,
    RefundTask,
    RemarkTemplate,
    StockConfirmation,
    TransportChoice,
    TransportModeRule,
)
from courier.shipments.services import orderdesk

from . import forms as f
from .common import NoAddDelete


class PassedOnFilter(admin.SimpleListFilter):
    """P1/P2: which red-flag remarks the printing desk has not been told of."""

    title = _("printing desk told")
    parameter_name = "passed_on"

    def lookups(self, request, model_admin):
        return [
            ("no", _("Not passed on")),
            ("yes", _("Passed on")),
            ("na", _("Not needed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(desk_notice_required=True, passed_to_desk_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(passed_to_desk_at__isnull=False)
        if self.value() == "na":
            return queryset.filter(desk_notice_required=False)
        return queryset


@admin.register(OrderRemark)
class OrderRemarkAdmin(NoAddDelete, ServiceActionsMixin, SimpleHistoryAdmin):
    list_display = [
        "remark",
        "order",
        "kind",
        "request_kind",
        "red_flag",
        "author",
        "created_at",
        "passed_on",
    ]
    list_filter = [PassedOnFilter, "kind", "request_kind", "red_flag"]
    list_select_related = ["order", "author"]
    search_fields = ["=order__partner_ref"]
    readonly_fields = [
        "order",
        "remark",
        "kind",
        "request_kind",
        "red_flag",
        "author",
        "created_at",
        "desk_notice_required",
        "confirmed_at",
        "confirmed_by",
        "confirmed_via",
        "confirmation_note",
        "desk_instruction",
        "passed_to_desk_at",
    ]
    fields = readonly_fields
    service_actions = {
        "confirm": ServiceAction(
            _("Confirmed with the customer: tell the printing desk"),
            lambda r, o, d: orderdesk.special_request_confirm(
                o, user=r.user, via=d["confirmed_via"], note=d["note"]
            ),
            form=f.CustomerConfirmationForm,
            available=lambda o, u: o.desk_notice_pending,
        ),
    }

    @admin.display(description=_("remark"))
    def remark(self, obj):
        return mask_phones_in_text(obj.text)  # ORG-03

    @admin.display(description=_("printing desk told"))
    def passed_on(self, obj):
        if not obj.desk_notice_required:
            return "-"
        if obj.passed_to_desk_at is None:
            return format_html('<strong style="color:#ba2121">{}</strong>', _("Not passed on"))
        return timezone.localtime(obj.passed_to_desk_at).strftime("%Y-%m-%d %H:%M")


@admin.register(RemarkTemplate)
class RemarkTemplateAdmin(NoAddDelete, ChangeReasonMixin, SimpleHistoryAdmin):
    """SHP-06/SHP-13: the documented remark texts; the manager edits them (reason recorded)."""

    list_display = ["key", "text"]
    readonly_fields = ["key", "placeholders"]
    fields = ["key", "text", "placeholders"]

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj):
        return ", ".join("{" + p + "}" for p in sorted(rules.REMARK_TEMPLATES[obj.key][0]))


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state=RefundTask.State.OPEN, due_at__lt=timezone.now())
        return queryset


@admin.register(RefundTask)
class RefundTaskAdmin(NoAddDelete, ServiceActionsMixin, SimpleHistoryAdmin):
    """SHP-07: the refund after a void, owned by an after-sales person with a due time."""

    list_display = ["text", "owner", "due_at", "state", "disposition", "created_at"]
    list_filter = ["state", OverdueFilter, "disposition", "owner"]
    list_select_related = ["owner"]
    readonly_fields = [
        "order",
        "shipment",
        "stage",
        "text",
        "owner",
        "due_at",
        "state",
        "done_at",
        "done_by",
        "note",
        "disposition",
        "disposed_at",
        "disposed_by",
        "created_by",
        "created_at",
    ]
    fields = readonly_fields
    service_actions = {
        "done": ServiceAction(
            _("Refund handled"),
            lambda r, o, d: orderdesk.refund_task_done(o, user=r.user, note=d["text"]),
            form=f.TextForm,
            available=lambda o, u: o.state == RefundTask.State.OPEN,
        ),
        "dispose": ServiceAction(
            _("Retrieved papers / goods"),
            lambda r, o, d: orderdesk.refund_task_dispose(
                o, user=r.user, disposition=d["disposition"]
            ),
            form=f.DispositionForm,
            available=lambda o, u: o.state == RefundTask.State.DONE and o.needs_disposition,
        ),
    }


@admin.register(StockConfirmation)
class StockConfirmationAdmin(NoAddDelete, admin.ModelAdmin):
    list_display = ["order", "in_stock", "confirmed_by", "confirmed_at", "note"]
    list_select_related = ["order", "confirmed_by"]
    readonly_fields = ["order", "in_stock", "note", "confirmed_by", "confirmed_at"]
    fields = readonly_fields

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TransportModeRule)
class TransportModeRuleAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    """SHP-05: the rules behind the suggested mode (dangerous goods never by air)."""

    list_display = [
        "priority",
        "mode",
        "ground",
        "max_hours_to_arrival",
        "min_weight_kg",
        "max_weight_kg",
        "fragile",
        "active",
        "note",
    ]
    list_editable: list[str] = []


@admin.register(TransportChoice)
class TransportChoiceAdmin(NoAddDelete, admin.ModelAdmin):
    list_display = ["order", "mode", "ground", "suggested_mode", "chosen_by", "chosen_at"]
    list_filter = ["mode", "ground"]
    list_select_related = ["order", "chosen_by"]
    readonly_fields = ["order", "mode", "ground", "reason", "suggested_mode", "chosen_by"]
    readonly_fields += ["chosen_at"]
    fields = readonly_fields

    def has_change_permission(self, request, obj=None):
        return False


class PrintBatchForm(forms.ModelForm):
    class Meta:
        model = PrintBatch
        fields = ["kind", "batch_date", "signed_name", "stored_at"]


@admin.register(PrintBatch)
class PrintBatchAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """SHP-14: the printing desk signs the day's batch here; the sheet is printable."""

    form = PrintBatchForm
    list_display = [
        "batch_date",
        "kind",
        "signed_name",
        "signed_by",
        "signed_at",
        "late_count",
        "sheet",
    ]
    list_filter = ["kind"]
    date_hierarchy = "batch_date"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "batch_date", "signed_name", "stored_at"]
        return [
            "kind",
            "batch_date",
            "signed_name",
            "signed_by",
            "signed_at",
            "stored_at",
            "print_deadline",
            "late_count",
            "sheet",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_changeform_initial_data(self, request):
        return {"batch_date": timezone.localdate(), "kind": PrintBatch.Kind.DAILY}

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        batch = orderdesk.print_batch_sign(
            data["kind"],
            data["batch_date"],
            user=request.user,
            signed_name=data.get("signed_name", ""),
            stored_at=data.get("stored_at", ""),
        )
        obj.pk = batch.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """The service set the shipments."""

    @admin.display(description=_("batch sheet"))
    def sheet(self, obj):
        url = reverse("admin:courier_printbatch_sheet", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("print"))

    def get_urls(self):
        return [
            path(
                # int: a mistyped id is a 404, never a ValueError from the lookup.
                "<int:object_id>/sheet/",
                self.admin_site.admin_view(self.sheet_view),
                name="courier_printbatch_sheet",
            ),
            *super().get_urls(),
        ]

    def sheet_view(self, request, object_id):
        batch = get_object_or_404(PrintBatch.objects.select_related("signed_by"), pk=object_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        rows = [
            {
                "shipment": s,
                "printed_at": timezone.localtime(s.printed_at),
                "late": not rules.printed_on_time(
                    timezone.localtime(s.printed_at), batch.batch_date, batch.print_deadline
                ),
            }
            for s in batch.shipments.select_related("order").order_by("printed_at", "pk")
        ]
        context = {
            "batch": batch,
            "rows": rows,
            "title": str(batch),
            "deadline_now": DispatchSettings.current().print_deadline,
        }
        return TemplateResponse(request, "courier/print_batch_sheet.html", context)
