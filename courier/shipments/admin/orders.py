"""Admin of orders: intake through the service, then read-only; order exceptions' steps."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core import masking
from courier.core.admin.masking import PersonalDataAdminMixin
from courier.core.admin.paginators import EstimatedCountPaginator
from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin
from courier.core.masking import ADDRESS, NAME, PHONE, mask_phones_in_text
from courier.core.services.privacy import personal_data_reveal_record
from courier.shipments.models import (
    Order,
    OrderException,
    OrderLine,
    OrderRemark,
    Shipment,
    StockConfirmation,
    TransportChoice,
)
from courier.shipments.services import availability, modify, orderdesk, orders

from . import forms as f
from .common import ReadOnlyInline, modification_message


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["name", "attributes", "size", "colour", "specification", "quantity", "unit_price"]
    fields += ["amount"]
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
    fields = ["remark", "kind", "red_flag", "author", "created_at", "passed_to_desk_at"]
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("remark"))
    def remark(self, obj):
        """ORG-03: a remark quotes changed phone numbers; they are masked here."""
        return mask_phones_in_text(obj.text)


class StockConfirmationInline(ReadOnlyInline):
    model = StockConfirmation
    fields = ["in_stock", "note", "confirmed_by", "confirmed_at"]
    readonly_fields = fields
    show_change_link = False


class TransportChoiceInline(ReadOnlyInline):
    model = TransportChoice
    fields = ["mode", "ground", "reason", "suggested_mode", "chosen_by", "chosen_at"]
    readonly_fields = fields
    show_change_link = False


def _line_modify(request, order, d):
    lines = list(order.lines.all())
    if d["line"] > len(lines):
        raise ValidationError({"line": _("This order has %(n)s goods lines.") % {"n": len(lines)}})
    line = lines[d["line"] - 1]
    changes = {
        k: d[k]
        for k in modify.LINE_FIELDS
        if d.get(k) not in (None, "") and d[k] != getattr(line, k)
    }
    if not changes:
        raise ValidationError(_("Nothing changed: change at least one field."), code="unchanged")
    outcome = modify.order_line_modify(
        line,
        changes,
        user=request.user,
        confirmed_via=d["confirmed_via"],
        confirmation_note=d["confirmation_note"],
    )
    return modification_message(outcome)


def line_modify_initial(request, order) -> dict:
    """SHP-06: an order of one goods line starts from that line's current values (with several
    the line is chosen first, so no line's values are put in front of another)."""
    lines = list(order.lines.all()[:2])
    if len(lines) != 1:
        return {}
    return {"line": 1, **{k: getattr(lines[0], k) for k in modify.LINE_FIELDS}}


def modify_initial(request, shipment) -> dict:
    """SHP-06: the modification page starts from the order's current values. A personal field
    (ORG-03) is filled in only for a person who may see it (recorded once, on the page's GET);
    anyone else sees it masked as a placeholder and types the new value."""
    order = shipment.order
    values = {name: getattr(order, name) for name in modify.MODIFIABLE_FIELDS}
    personal = {n: k for n, k in ORDER_PERSONAL_FIELDS.items() if n in values}
    revealed = masking.may_reveal(request.user) and handles_shipments(
        request.user, [shipment.dedicated_agent_id]
    )
    if revealed:
        if request.method == "GET":
            personal_data_reveal_record(request.user, order, personal, view="modify")
        return values
    for name in personal:
        del values[name]
    values[f.MASKED_CURRENT] = {
        name: masking.mask(kind, getattr(order, name)) for name, kind in personal.items()
    }
    return values


def _suggestion(request, order) -> dict:
    suggestion = orderdesk.transport_mode_suggestion(order)
    return {"mode": suggestion.mode, "ground": suggestion.ground}


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
class OrderAdmin(PersonalDataAdminMixin, ServiceActionsMixin, SimpleHistoryAdmin):
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
    list_filter = ["verification", "urgent", "channel", "partner", "transport_mode"]

    # The order desk's steps (SHP-05, SHP-06, SHP-08, SHP-13), each one service call.
    service_actions = {
        "special_request": ServiceAction(
            _("Special request (red flag)"),
            lambda r, o, d: orderdesk.special_request_record(
                o,
                user=r.user,
                request_kind=d["request_kind"],
                text=d["text"],
                confirmed_via=d["confirmed_via"],
                note=d["note"],
            ),
            form=f.SpecialRequestForm,
            permission=("add", OrderRemark),
        ),
        "modify_line": ServiceAction(
            _("Modify goods (customer request)"),
            _line_modify,
            form=f.LineModifyForm,
            initial=line_modify_initial,
        ),
        "urgent": ServiceAction(
            _("Customer in a hurry: ask the warehouse"),
            lambda r, o, d: orderdesk.order_urgent_mark(o, user=r.user),
            confirm=True,
            available=lambda o, u: not o.urgent,
        ),
        "stock": ServiceAction(
            _("Confirm stock (warehouse)"),
            lambda r, o, d: orderdesk.stock_confirm(o, user=r.user, **d),
            form=f.StockConfirmForm,
            permission=("add", StockConfirmation),
        ),
        "promise": ServiceAction(
            _("Promise the dispatch date"),
            lambda r, o, d: (
                _("Dispatch promised for %(d)s.")
                % {"d": orderdesk.order_dispatch_promise(o, user=r.user).isoformat()}
            ),
            confirm=True,
        ),
        "transport": ServiceAction(
            _("Choose the transport mode"),
            lambda r, o, d: orderdesk.transport_mode_choose(o, user=r.user, **d),
            form=f.TransportChoiceForm,
            initial=_suggestion,
            permission=("add", TransportChoice),
        ),
    }
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    # ``__exact``, not ``=`` (``iexact``: UPPER(...) that no index serves).
    search_fields = ["partner_ref__exact", "recipient_phone_last4__exact"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_inlines(self, request, obj):
        if obj is None:
            return [OrderLineInline]
        return [
            OrderLineInline,
            OrderExceptionInline,
            OrderRemarkInline,
            StockConfirmationInline,
            TransportChoiceInline,
            ShipmentInline,
        ]

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
                if k
                in (
                    "name",
                    "attributes",
                    "size",
                    "colour",
                    "specification",
                    "quantity",
                    "unit_price",
                    "amount",
                )
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
