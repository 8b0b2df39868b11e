"""Modification after payment by stage (SHP-06): edit, edit the printed papers, re-print, or
hand to after-sales. Each change is written as the documented red-flag remark (the
``RemarkTemplate`` rows), confirmed with the customer (who, when, how) and then passed to the
printing desk as a system instruction, also before printing ("通知打单人员注意此ID订单已修改")."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.masking import ADDRESS, NAME, PHONE, mask
from courier.shipments import rules
from courier.shipments.models import Order, OrderLine, OrderRemark, Shipment
from courier.shipments.services.orderdesk import (
    _confirmation_check,
    order_shipment,
    red_flag_remark_add,
    remark_text,
    remarks_pass_to_desk,
    transport_mode_check,
)
from courier.shipments.services.orders import required_arrival_check
from courier.shipments.services.shipments import (
    Outcome,
    StateConflict,
    actor_name,
    aftersales_handoff,
    desk_instruction_auto,
    order_remark_add,
    shipment_lock,
)

# SHP-06: what a customer may ask to change after payment.
MODIFIABLE_FIELDS = [
    "recipient_name",
    "recipient_phone",
    "recipient_province",
    "recipient_city",
    "recipient_district",
    "recipient_address",
    "required_arrival_at",
    "transport_mode",
]
ADDRESS_FIELDS = ("recipient_province", "recipient_city", "recipient_district", "recipient_address")
# SHP-06: the goods attributes of a line ("商品属性": size, colour ...) and its quantity.
LINE_FIELDS = ("size", "colour", "specification", "quantity")


def _display(order: Order, field: str, value) -> str:
    if field == "transport_mode":
        return rules.REMARK_MODE_LABELS.get(value, str(value))
    if hasattr(value, "strftime"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value if value is not None else "")


def modification_remarks(order: Order, changes: dict, *, route: str, user) -> list[str]:
    """SHP-06 remarks in the documented form, one per changed field (one for the address); on
    printed papers "客户要求修改成××，已在发货单与快递单上修改妥当——date name"."""
    printed = route != rules.MODIFY_EDIT
    texts = []
    if set(ADDRESS_FIELDS) & set(changes):
        new = "".join(changes.get(f, getattr(order, f)) for f in ADDRESS_FIELDS)
        if printed:
            label = rules.REMARK_FIELD_LABELS["address"]
            texts.append(remark_text("printed", user=user, new=f"{label}：{new}"))
        else:
            texts.append(remark_text("address", user=user, new=new))
    for field in changes:
        if field in ADDRESS_FIELDS:
            continue
        label = rules.REMARK_FIELD_LABELS.get(field, field)
        new = _display(order, field, changes[field])
        if printed:
            texts.append(remark_text("printed", user=user, new=f"{label}：{new}"))
        else:
            old = _display(order, field, getattr(order, field))
            texts.append(remark_text("field", user=user, field=label, old=old, new=new))
    return texts


def _route_for(locked: Shipment) -> str:
    route = rules.modification_route(locked.state)
    if route == rules.MODIFY_REFUSED:
        raise StateConflict(
            _("A shipment in state “%(state)s” can no longer be modified.")
            % {"state": locked.get_state_display()}
        )
    return route


# The customer's personal data never travels in a notice (it is e-mailed to the whole group):
# masked there, in full only in the order's remark, behind the staff pages.
NOTICE_MASKS = {
    "recipient_name": NAME,
    "recipient_phone": PHONE,
    "recipient_address": ADDRESS,
}


def _requested(order: Order, changes: dict, *, masked: bool) -> str:
    parts = []
    for field, value in changes.items():
        label = rules.REMARK_FIELD_LABELS.get(field, field)
        shown = _display(order, field, value)
        if masked and field in NOTICE_MASKS:
            shown = mask(NOTICE_MASKS[field], shown)
        parts.append(f"{label}：{shown}")
    return "；".join(parts)


def _aftersales(locked: Shipment, order: Order, request: str, notice: str, *, user) -> None:
    """The request in full in the order's red-flag remark, ``notice`` (masked) to after-sales."""
    remark = order_remark_add(
        order,
        _(
            "Customer requested a change after shipping (%(fields)s); handed to "
            "after-sales — %(date)s %(name)s"
        )
        % {
            "fields": request,
            "date": timezone.localdate().strftime("%Y.%m.%d"),
            "name": actor_name(user),
        },
        user=user,
        kind=OrderRemark.Kind.MODIFICATION,
        red_flag=True,
    )
    aftersales_handoff(
        locked,
        _("Change requested for shipped waybill %(n)s") % {"n": locked.waybill_number},
        notice,
        key=f"modify:{remark.pk}",
    )


def _pass_on(locked: Shipment, order: Order, texts: list[str], route: str, *, user, via, note):
    """Remarks written, confirmed with the customer, the printing desk told in one instruction;
    a packed parcel is first asked back from the warehouse and must be re-printed."""
    remarks = [
        red_flag_remark_add(order, text, user=user, kind=OrderRemark.Kind.MODIFICATION)
        for text in texts
    ]
    if route == rules.MODIFY_REPRINT:
        desk_instruction_auto(
            locked,
            "warehouse",
            _("Give the packed parcel of %(n)s back to the printing desk: order modified.")
            % {"n": locked.waybill_number},
            user=user,
        )
        remarks_pass_to_desk(
            remarks,
            user=user,
            via=via,
            note=note,
            key="desk_reprint",
            shipment=locked,
            waybill=locked.waybill_number,
        )
        locked.needs_reprint = True
        locked._history_user = user
        locked._change_reason = "modified after packing: re-print"
        locked.save(update_fields=["needs_reprint", "updated_at"])
    else:
        remarks_pass_to_desk(
            remarks, user=user, via=via, note=note, key="desk_modified", shipment=locked
        )


def shipment_modify(
    shipment: Shipment,
    changes: dict,
    *,
    user,
    confirmed_via: str = "",
    confirmation_note: str = "",
) -> Outcome:
    """SHP-06 by stage: not printed → edit and note; printed → edit the printed papers and
    note; packed → edit, note, retrieve and re-print; shipped → after-sales. Before printing too
    the printing desk is told, once the customer confirmed (``confirmed_via``: how)."""
    unknown = set(changes) - set(MODIFIABLE_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be modified.") for f in sorted(unknown)})
    with transaction.atomic():
        locked = shipment_lock(shipment)
        order = Order.objects.select_for_update().get(pk=locked.order_id)
        route = _route_for(locked)
        changes = {k: v for k, v in changes.items() if getattr(order, k) != v}
        if not changes:
            return Outcome(route, locked, False)
        if route == rules.MODIFY_AFTERSALES:
            _aftersales(
                locked,
                order,
                _requested(order, changes, masked=False),
                _requested(order, changes, masked=True),
                user=user,
            )
            return Outcome(route, locked, False)
        _confirmation_check(confirmed_via)
        remarks = modification_remarks(order, changes, route=route, user=user)
        errors: dict[str, list] = {}
        for field, value in changes.items():
            setattr(order, field, value)
        try:
            order.full_clean(exclude=["partner"], validate_unique=False)
        except ValidationError as exc:
            errors.update({k: list(v) for k, v in exc.message_dict.items() if k in changes})
        if "required_arrival_at" in changes:
            required_arrival_check(order.required_arrival_at, errors)
        if "transport_mode" in changes:
            try:
                transport_mode_check(order, changes["transport_mode"])
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
        order._history_user = user
        order._change_reason = "customer modification"
        order.save(update_fields=[*changes, "recipient_phone_last4", "updated_at"])
        _pass_on(
            locked, order, remarks, route, user=user, via=confirmed_via, note=confirmation_note
        )
        return Outcome(route, locked, True)


def _line_description(line: OrderLine, values: dict) -> str:
    attrs = [values.get(f, getattr(line, f)) for f in ("colour", "size", "specification")]
    return rules.goods_description(line.name, attrs, values.get("quantity", line.quantity))


def order_line_modify(
    line: OrderLine,
    changes: dict,
    *,
    user,
    confirmed_via: str = "",
    confirmation_note: str = "",
) -> Outcome:
    """SHP-06: a goods line's size, colour, specification or quantity changed after payment,
    remarked "客户拍下××，要求修改成××，已修改妥当——date name" (on printed papers
    "客户要求修改成××，已在发货单与快递单上修改妥当——date name"); a quantity change re-prices the
    line and the order amount."""
    unknown = set(changes) - set(LINE_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be modified.") for f in sorted(unknown)})
    with transaction.atomic():
        # The same lock order as ``shipment_modify``: the waybill, then the order, then the line.
        shipment = order_shipment(Order(pk=line.order_id))
        if shipment is None:
            raise StateConflict(_("This order has no waybill to modify."))
        locked = shipment_lock(shipment)
        order = Order.objects.select_for_update().get(pk=line.order_id)
        locked_line = OrderLine.objects.select_for_update().get(pk=line.pk)
        route = _route_for(locked)
        changes = {k: v for k, v in changes.items() if getattr(locked_line, k) != v}
        if not changes:
            return Outcome(route, locked, False)
        if "quantity" in changes and (
            not isinstance(changes["quantity"], int) or changes["quantity"] < 1
        ):
            raise ValidationError({"quantity": _("The quantity must be at least 1.")})
        old = _line_description(locked_line, {})
        new = _line_description(locked_line, changes)
        if route == rules.MODIFY_AFTERSALES:
            what = f"{locked_line.name}：{old} → {new}"
            _aftersales(locked, order, what, what, user=user)
            return Outcome(route, locked, False)
        _confirmation_check(confirmed_via)
        if route == rules.MODIFY_EDIT:
            text = remark_text("goods", user=user, old=old, new=new)
        else:
            text = remark_text("printed", user=user, new=new)
        for field, value in changes.items():
            setattr(locked_line, field, value)
        fields = list(changes)
        if "quantity" in changes:
            before = locked_line.amount
            locked_line.amount = locked_line.unit_price * locked_line.quantity
            fields.append("amount")
            if order.goods_amount is not None:
                order.goods_amount += locked_line.amount - before
                order._history_user = user
                order._change_reason = "customer modification: quantity"
                order.save(update_fields=["goods_amount", "updated_at"])
        try:
            locked_line.full_clean(exclude=["order"], validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError(
                {k: v for k, v in exc.message_dict.items() if k in changes}
            ) from exc
        locked_line._history_user = user
        locked_line._change_reason = "customer modification"
        locked_line.save(update_fields=fields)
        _pass_on(locked, order, [text], route, user=user, via=confirmed_via, note=confirmation_note)
        return Outcome(route, locked, True)
