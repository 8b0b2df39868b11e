"""Admin of orders: intake through the service, then read-only; order exceptions' steps."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.masking import PersonalDataAdminMixin
from courier.core.admin.paginators import EstimatedCountPaginator
from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin
from courier.core.masking import ADDRESS, NAME, PHONE, mask_phones_in_text
from courier.shipments.models import Order, OrderException, OrderLine, OrderRemark, Shipment
from courier.shipments.services import availability, orders

from . import forms as f
from .common import ReadOnlyInline


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
    fields = ["remark", "author", "created_at"]
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("remark"))
    def remark(self, obj):
        """ORG-03: a remark quotes changed phone numbers; they are masked here."""
        return mask_phones_in_text(obj.text)


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = ["waybill_number", "kind", "state", "created_at"]
    readonly_fields = fields


ORDER_PERSONAL_FIELDS = {
    "sender_name": NAME,
    "sender_phone": PHONE,
    "sender_address": ADDRESS,
    "recipient_name": NAME,
    "recipient_phone": PHONE,
    "recipient_address": ADDRESS,
}


def handles_shipments(user, shipments) -> bool:
    """ORG-03: the agent handling an order is its shipments' dedicated agent; an order without
    one is handled by any agent."""
    return all(agent_id in (None, user.pk) for agent_id in shipments)


@admin.register(Order)
class OrderAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin):
    """Intake through ``order_intake``; afterwards read-only (changes go through the shipment's
    "Modify" page, SHP-06). Sender and recipient are masked unless the agent handles the order
    (``courier.core.admin.masking``)."""

    personal_fields = ORDER_PERSONAL_FIELDS

    def personal_data_needed(self, request, obj):
        agents = obj.shipments.values_list("dedicated_agent_id", flat=True)
        return handles_shipments(request.user, agents)

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
    # ``__exact``, not ``=`` (``iexact``: UPPER(...) that no index serves).
    search_fields = ["partner_ref__exact", "recipient_phone_last4__exact"]
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
    service_actions_available = staticmethod(availability.order_exception_steps_available)
    service_actions = {
        "contact": ServiceAction(
            _("Customer contacted"),
            lambda r, o, d: orders.order_exception_contact(o, user=r.user, note=d["text"]),
            form=f.TextForm,
        ),
        "resolve": ServiceAction(
            _("Resolved"),
            lambda r, o, d: orders.order_exception_resolve(o, user=r.user, resolution=d["text"]),
            form=f.TextForm,
        ),
    }

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
