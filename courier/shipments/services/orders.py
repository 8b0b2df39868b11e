"""Order intake and verification (SHP-01..05, SHP-08); modification by stage is ``modify``."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from courier.core.fastwrite import (
    prefetched_cache_set,
    rows_create_with_history,
    rows_pks_allocate,
)
from courier.finance.services.fees import shipment_fees_new_record, shipment_fees_price_new
from courier.shipments import rules
from courier.shipments.models import DispatchSettings, Order, OrderException, OrderLine, Shipment
from courier.shipments.services.shipments import (
    StateConflict,
    shipment_build,
)

ORDER_INPUT_FIELDS = [
    "channel",
    "partner_ref",
    "sender_name",
    "sender_phone",
    "sender_province",
    "sender_city",
    "sender_district",
    "sender_address",
    "recipient_name",
    "recipient_phone",
    "recipient_province",
    "recipient_city",
    "recipient_district",
    "recipient_address",
    "weight_kg",
    "volume_m3",
    "dangerous_goods",
    "fragile",
    "keep_upright",
    "moisture_sensitive",
    "appearance_requirements",
    "required_arrival_at",
    "transport_mode",
    "goods_amount",
    "declared_value",
    "paid_at",
    "in_stock",
    "made_to_order",
]


def required_arrival_check(value, errors: dict) -> None:
    if value is not None and value <= timezone.now():
        errors.setdefault("required_arrival_at", []).append(
            _("The required arrival time is in the past.")
        )


def _decimal(value):
    """A Decimal, or the raw value for full_clean to reject."""
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return value


def _lines_build(lines: list[dict], errors: dict) -> list[OrderLine]:
    built = []
    if not lines:
        errors.setdefault("lines", []).append(_("At least one goods line is required."))
    for i, data in enumerate(lines):
        quantity = data.get("quantity")
        unit_price = _decimal(data.get("unit_price", "0"))
        amount = data.get("amount")
        if amount is None and isinstance(quantity, int) and unit_price is not None:
            amount = unit_price * max(quantity, 0)
        line = OrderLine(
            name=data.get("name", ""),
            attributes=data.get("attributes", ""),
            size=data.get("size", ""),
            colour=data.get("colour", ""),
            specification=data.get("specification", ""),
            quantity=quantity,
            unit_price=unit_price,
            amount=_decimal(amount),
        )
        try:
            line.full_clean(exclude=["order"], validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"lines[{i}].{field}", []).extend(messages)
        built.append(line)
    return built


def promised_dispatch_for(order: Order):
    settings_row = DispatchSettings.current()
    return rules.promised_dispatch_date(
        timezone.localtime(order.paid_at),
        in_stock=order.in_stock,
        made_to_order=order.made_to_order,
        cutoff=settings_row.cutoff_time,
        made_to_order_hours=settings_row.made_to_order_hours,
    )


def order_verify_problems(order: Order, lines: list[OrderLine]) -> list[tuple[str, str]]:
    return rules.order_verification_problems(
        lines=[rules.LineFacts(x.name, x.quantity, x.unit_price, x.amount) for x in lines],
        declared_total=order.goods_amount,
        address_parts=order.address_parts(),
        in_stock=order.in_stock,
        made_to_order=order.made_to_order,
    )


def _verification_mark(order: Order, problems, *, user) -> None:
    order.verification = "exception" if problems else "verified"
    order.verified_at = timezone.now()
    order.verified_by = user


def _exceptions_create(order: Order, problems, *, user) -> list[OrderException]:
    created = [OrderException(order=order, kind=k, detail=d[:500]) for k, d in problems]
    if created:
        bulk_create_with_history(created, OrderException, default_user=user)
    return created


WAYBILL_ATTEMPTS = 5


@dataclass(frozen=True)
class Intake:
    order: Order
    shipment: Shipment
    created: bool


def _intake_existing(partner, ref: str) -> Shipment | None:
    """The original shipment of the partner's order ``ref``, found through the order's unique
    (partner, partner_ref) index."""
    if not ref:
        return None
    order = Order.objects.filter(partner=partner, partner_ref=ref).first()
    if order is None:
        return None
    shipment = (
        Shipment.objects.select_related("partner").filter(order=order, kind="original").first()
    )
    if shipment is not None:
        shipment.order = order
    return shipment


def _same_reference(partner, ref: str) -> tuple[str, list]:
    """The id of the partner's order ``ref``, through the unique (partner, partner_ref) index:
    written out because it rides along with the key allocation on every intake."""
    qn = connection.ops.quote_name
    opts = Order._meta
    sql = (
        f"SELECT {qn(opts.pk.column)} FROM {qn(opts.db_table)} "
        f"WHERE {qn(opts.get_field('partner').column)} = %s "
        f"AND {qn(opts.get_field('partner_ref').column)} = %s LIMIT 1"
    )
    return sql, [partner.pk, ref]


def order_intake(
    partner, data: dict, lines: list[dict], *, user, cod_amount=Decimal("0"), dedicated_agent=None
) -> Intake:
    """Take an order in from any channel, verify it, and create its waybill.

    Idempotent by partner reference: the same reference again returns the existing shipment.
    Bad input raises one ValidationError with every field's messages; nothing is saved."""
    ref = (data.get("partner_ref") or "").strip()
    errors: dict[str, list] = {}
    order = Order(partner=partner, **{k: data[k] for k in ORDER_INPUT_FIELDS if k in data})
    if order.paid_at is None:
        order.paid_at = timezone.now()
    try:
        order.full_clean(exclude=["partner"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update({k: list(v) for k, v in exc.message_dict.items()})
    required_arrival_check(order.required_arrival_at, errors)
    built = _lines_build(lines, errors)
    if Decimal(str(cod_amount)) < 0:
        errors.setdefault("cod_amount", []).append(_("Must not be negative."))
    if errors:
        raise ValidationError(errors)
    order.derived_fields_set()
    order.promised_dispatch_date = promised_dispatch_for(order)
    problems = order_verify_problems(order, built)
    _verification_mark(order, problems, user=user)
    order._history_user = user
    exceptions = [OrderException(order=order, kind=k, detail=d[:500]) for k, d in problems]
    # FIN-01/FIN-02: priced and credit-checked in the intake's own transaction (the partner's
    # account stays locked until it commits); the fee lines go in with the shipment's write.
    # No savepoint: inside the API's request transaction this opens nothing.
    with transaction.atomic(savepoint=False):
        fees = shipment_fees_price_new(partner, order, user=user)
        intake = _intake_write(
            partner,
            ref,
            order,
            built,
            exceptions,
            fees,
            user=user,
            cod_amount=cod_amount,
            dedicated_agent=dedicated_agent,
        )
        if intake.created:
            shipment_fees_new_record(intake.shipment, fees, user=user)
    return intake


def _intake_write(
    partner, ref, order, built, exceptions, fees, *, user, cod_amount, dedicated_agent
) -> Intake:
    # One write for the whole order (see courier.core.fastwrite); a (very rare) waybill number
    # collision fails it as a whole and it is tried again with a fresh number.
    for attempt in range(WAYBILL_ATTEMPTS):
        shipment = shipment_build(
            order, user=user, cod_amount=cod_amount, dedicated_agent=dedicated_agent
        )
        groups = [[order], built, exceptions, [shipment], fees.lines]
        # A replay of the reference is found in the same round trip that allocates the keys, so
        # it never reaches the INSERT (whose failure would log the order's personal data).
        if rows_pks_allocate(groups, lookup=_same_reference(partner, ref)):
            existing = _intake_existing(partner, ref)
            if existing is not None:
                return Intake(existing.order, existing, False)
        try:
            for child in (*built, *exceptions):
                child.order = order
            for line in fees.lines:
                line.shipment = shipment
            rows_create_with_history(groups, user=user)
            break
        except IntegrityError:
            # A concurrent intake of the same reference won the race, or the waybill number
            # collided: either way nothing was written.
            existing = _intake_existing(partner, ref)
            if existing is not None:
                return Intake(existing.order, existing, False)
            if attempt + 1 == WAYBILL_ATTEMPTS:
                raise
            for obj in (order, *built, *exceptions, *fees.lines):  # not written: insert again
                obj.pk = None
                obj._state.adding = True
    # Answering the create then reads nothing back (lines and fee lines are listed by pk).
    prefetched_cache_set(order, "lines", sorted(built, key=lambda line: line.pk))
    prefetched_cache_set(shipment, "fee_lines", sorted(fees.lines, key=lambda line: line.pk))
    return Intake(order, shipment, True)


def order_verify(order: Order, *, user) -> list[OrderException]:
    """SHP-03: check goods, quantity, price, amount, address and stock again (after a fix);
    each problem not already open becomes an order exception (SHP-04)."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        problems = order_verify_problems(locked, list(locked.lines.all()))
        open_kinds = set(locked.exceptions.exclude(state="resolved").values_list("kind", flat=True))
        new = [(k, d) for k, d in problems if k not in open_kinds]
        _verification_mark(locked, problems, user=user)
        if not locked.urgent:  # SHP-13: an urgent order's date waits for the warehouse
            locked.promised_dispatch_date = promised_dispatch_for(locked)
        locked._history_user = user
        locked.save(
            update_fields=[
                "verification",
                "verified_at",
                "verified_by",
                "promised_dispatch_date",
                "updated_at",
            ]
        )
        return _exceptions_create(locked, new, user=user)


def _exception_lock(exception: OrderException) -> OrderException:
    return OrderException.objects.select_for_update().get(pk=exception.pk)


def order_exception_contact(exception: OrderException, *, user, note: str) -> OrderException:
    """SHP-04: the customer was contacted at once; what was said."""
    if not note.strip():
        raise ValidationError({"contact_note": _("Say what the customer was told.")})
    with transaction.atomic():
        locked = _exception_lock(exception)
        if locked.state != "open":
            raise StateConflict(_("This exception is not open."))
        locked.contact()
        locked.contacted_at = timezone.now()
        locked.contact_note = note
        locked.handled_by = user
        locked._history_user = user
        locked.save(update_fields=["state", "contacted_at", "contact_note", "handled_by"])
        return locked


def order_exception_resolve(exception: OrderException, *, user, resolution: str):
    """SHP-04: followed to the end; once none is open the order counts as verified."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Describe how it was resolved.")})
    with transaction.atomic():
        locked = _exception_lock(exception)
        if locked.state == "resolved":
            raise StateConflict(_("This exception is already resolved."))
        locked.resolve()
        locked.resolution = resolution
        locked.resolved_at = timezone.now()
        locked.handled_by = user
        locked._history_user = user
        locked.save(update_fields=["state", "resolution", "resolved_at", "handled_by"])
        order = Order.objects.select_for_update().get(pk=locked.order_id)
        if not order.exceptions.exclude(state="resolved").exists():
            order.verification = "verified"
            order.verified_at = timezone.now()
            order.verified_by = user
            order._history_user = user
            order.save(update_fields=["verification", "verified_at", "verified_by", "updated_at"])
        return locked
