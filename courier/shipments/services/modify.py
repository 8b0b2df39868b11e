"""Modification after payment by stage (SHP-06): edit, edit the printed waybill, re-print, or
hand to after-sales; each change written as the documented order remark."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.shipments import rules
from courier.shipments.models import Order, Shipment
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
ADDRESS_FIELDS = {"recipient_province", "recipient_city", "recipient_district", "recipient_address"}


def _display(order: Order, field: str, value) -> str:
    if field == "transport_mode":
        return str(dict(order._meta.get_field(field).choices).get(value, value))
    if hasattr(value, "strftime"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value if value is not None else "")


def modification_remarks(order: Order, changes: dict, *, route: str, user) -> list[str]:
    """SHP-06 remarks in the documented form, one per changed field (one for the address)."""
    today = timezone.localdate()
    name = actor_name(user)
    texts = []
    address_changed = ADDRESS_FIELDS & set(changes)
    if address_changed:
        parts = {f: changes.get(f, getattr(order, f)) for f in sorted(ADDRESS_FIELDS)}
        new = "".join(
            parts[f]
            for f in (
                "recipient_province",
                "recipient_city",
                "recipient_district",
                "recipient_address",
            )
        )
        texts.append(
            rules.modification_remark(
                str(_("address")),
                "",
                new,
                today,
                name,
                template=_(
                    "Customer requested an address change, new address: {new}, done — {date} {name}"
                ),
            )
        )
    template = (
        _(
            "Customer requested {field} changed from {old} to {new}, changed on the printed "
            "delivery note and waybill — {date} {name}"
        )
        if route != rules.MODIFY_EDIT
        else _("Customer requested {field} changed from {old} to {new}, done — {date} {name}")
    )
    for field in changes:
        if field in ADDRESS_FIELDS:
            continue
        label = str(order._meta.get_field(field).verbose_name)
        texts.append(
            rules.modification_remark(
                label,
                _display(order, field, getattr(order, field)),
                _display(order, field, changes[field]),
                today,
                name,
                template=template,
            )
        )
    return texts


def shipment_modify(shipment: Shipment, changes: dict, *, user) -> Outcome:
    """SHP-06 by stage: not printed → edit and note; printed → edit the printed waybill and note
    (printing desk told); packed → edit, note, retrieve and re-print; shipped → after-sales."""
    unknown = set(changes) - set(MODIFIABLE_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be modified.") for f in sorted(unknown)})
    with transaction.atomic():
        locked = shipment_lock(shipment)
        order = Order.objects.select_for_update().get(pk=locked.order_id)
        route = rules.modification_route(locked.state)
        if route == rules.MODIFY_REFUSED:
            raise StateConflict(
                _("A shipment in state “%(state)s” can no longer be modified.")
                % {"state": locked.get_state_display()}
            )
        changes = {k: v for k, v in changes.items() if getattr(order, k) != v}
        if not changes:
            return Outcome(route, locked, False)
        if route == rules.MODIFY_AFTERSALES:
            order_remark_add(
                order,
                _(
                    "Customer requested a change after shipping (%(fields)s); handed to "
                    "after-sales — %(date)s %(name)s"
                )
                % {
                    "fields": ", ".join(sorted(changes)),
                    "date": timezone.localdate().strftime("%Y.%m.%d"),
                    "name": actor_name(user),
                },
                user=user,
            )
            aftersales_handoff(
                locked,
                _("Change requested for shipped waybill %(n)s") % {"n": locked.waybill_number},
                ", ".join(f"{k}={v}" for k, v in changes.items()),
                key=f"modify:{timezone.now().timestamp()}",
            )
            return Outcome(route, locked, False)
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
        if errors:
            raise ValidationError(errors)
        order._history_user = user
        order._change_reason = "customer modification"
        order.save(update_fields=[*changes, "recipient_phone_last4", "updated_at"])
        for text in remarks:
            order_remark_add(order, text, user=user)
        summary = "; ".join(remarks)
        if route == rules.MODIFY_EDIT_PRINTED:
            desk_instruction_auto(
                locked,
                "printing",
                _("Order of %(n)s modified, correct the printed note and waybill: %(s)s")
                % {"n": locked.waybill_number, "s": summary},
                user=user,
            )
        elif route == rules.MODIFY_REPRINT:
            desk_instruction_auto(
                locked,
                "warehouse",
                _("Give the packed parcel of %(n)s back to the printing desk: order modified.")
                % {"n": locked.waybill_number},
                user=user,
            )
            desk_instruction_auto(
                locked,
                "printing",
                _("Re-print waybill %(n)s: %(s)s") % {"n": locked.waybill_number, "s": summary},
                user=user,
            )
            locked.needs_reprint = True
            locked._history_user = user
            locked._change_reason = "modified after packing: re-print"
            locked.save(update_fields=["needs_reprint", "updated_at"])
        return Outcome(route, locked, True)
