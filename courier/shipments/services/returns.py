"""Returns and exchanges (RET-02..07) and recall of shipped parcels (RET-01)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.shipments import rules
from courier.shipments.models import (
    RecallSlip,
    ReturnRequest,
    Shipment,
    UnphotographablePart,
)
from courier.shipments.services.evidence import evidence_check, evidence_photo_store
from courier.shipments.services.shipments import (
    StateConflict,
    _apply,
    actor_name,
    desk_instruction_auto,
    order_remark_add,
    partner_event_emit,
    shipment_create,
    shipment_lock,
)

P_CHANGE = "courier.change_returnrequest"
P_REGISTER = "courier.add_returnrequest"  # after-sales and the supervisor line, not the desks
P_INSPECT = "courier.sign_goods_inspection"
P_EARLY = "courier.approve_early_dispatch"


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(_("Your role may not do this to a return."))


def _lock(rr: ReturnRequest) -> ReturnRequest:
    return ReturnRequest.objects.select_for_update().select_related("partner").get(pk=rr.pk)


def _save(rr: ReturnRequest, fields, *, user, reason: str = "") -> ReturnRequest:
    rr._history_user = user
    if reason:
        rr._change_reason = reason[:100]
    rr.save(update_fields=[*fields, "updated_at"])
    return rr


def return_payload(rr: ReturnRequest) -> dict:
    return {
        "id": rr.pk,
        "waybill_number": rr.shipment.waybill_number,
        "kind": rr.kind,
        "state": rr.state,
        "return_waybill_number": rr.return_waybill_number,
        "exchange_waybill_number": (
            rr.exchange_shipment.waybill_number if rr.exchange_shipment_id else None
        ),
    }


def _status_changed(rr: ReturnRequest, old: str) -> None:
    partner_event_emit(
        rr.partner, "return.status_changed", {**return_payload(rr), "previous_state": old}
    )


def return_request_create(
    shipment: Shipment,
    *,
    user,
    kind: str,
    reason: str,
    quality_problem: bool = False,
    customer_ref: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    wanted_item: str = "",
    photos=(),
) -> ReturnRequest:
    """Register a return or exchange of a delivered parcel with the customer's service card."""
    photos = list(photos)
    errors = {}
    if kind not in ReturnRequest.Kind.values:
        errors["kind"] = _("Choose return or exchange.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason.")
    if kind == "exchange" and not (wanted_item or "").strip():
        errors["wanted_item"] = _("Say which item the customer wants instead.")
    if contact_phone and not rules.phone_is_valid(contact_phone):
        errors["contact_phone"] = _("Enter a Chinese mobile or landline number.")
    if errors:
        raise ValidationError(errors)
    evidence_check(photos, "photos")
    with transaction.atomic():
        locked = shipment_lock(shipment)
        if locked.state != "delivered":
            raise StateConflict(_("Only a delivered parcel can be returned or exchanged."))
        rr = ReturnRequest(
            shipment=locked,
            partner_id=locked.partner_id,
            kind=kind,
            reason=reason,
            quality_problem=quality_problem,
            customer_ref=customer_ref,
            contact_name=contact_name,
            contact_phone=contact_phone,
            wanted_item=wanted_item,
            created_by=user,
        )
        rr._history_user = user
        rr.save()
        for upload in photos:
            evidence_photo_store(locked, upload, user=user, return_request=rr)
        _status_changed(rr, "")
        return rr


def return_quality_photo_verify(rr: ReturnRequest, *, user) -> ReturnRequest:
    """RET-02: the customer's photo shows the quality problem."""
    _require(user, P_CHANGE)
    with transaction.atomic():
        locked = _lock(rr)
        if not locked.photos.exists():
            raise ValidationError({"photos": _("The customer has not sent a photo yet.")})
        locked.photo_verified_at = timezone.now()
        locked.photo_verified_by = user
        return _save(locked, ["photo_verified_at", "photo_verified_by"], user=user)


def return_quality_photo_waive(rr: ReturnRequest, *, user, part: str, reason: str) -> ReturnRequest:
    """RET-02 / A4: a defect that cannot be photographed (linings, insoles…) is accepted with
    the part and the reason recorded instead of a photo; the warehouse inspects against them.
    After-sales' decision (the register's owners), not the warehouse's or the printing desk's."""
    _require(user, P_REGISTER)
    errors = {}
    if part not in UnphotographablePart.values:
        errors["photo_waiver_part"] = _("Say which part cannot be photographed.")
    if not (reason or "").strip():
        errors["photo_waiver_reason"] = _("Say why the defect cannot be photographed.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(rr)
        if not locked.quality_problem:
            raise StateConflict(_("Only a quality claim needs a photo."))
        if locked.state != "requested":
            raise StateConflict(_("Only a new request can be accepted without a photo."))
        if locked.photo_verified_at is not None or locked.photo_waived_at is not None:
            raise StateConflict(_("The quality claim is already verified."))
        locked.photo_waiver_part = part
        locked.photo_waiver_reason = reason.strip()
        locked.photo_waived_at = timezone.now()
        locked.photo_waived_by = user
        return _save(
            locked,
            ["photo_waiver_part", "photo_waiver_reason", "photo_waived_at", "photo_waived_by"],
            user=user,
            reason="accepted without photo",
        )


def return_quality_verified(rr: ReturnRequest) -> bool:
    """RET-02: a photo verified, or the defect recorded as one that cannot be photographed."""
    return rr.photo_verified_at is not None or rr.photo_waived_at is not None


def return_request_approve(rr: ReturnRequest, *, user) -> ReturnRequest:
    """Accept: quality claims only with a verified photo (RET-02); freight by RET-04."""
    _require(user, P_CHANGE)
    with transaction.atomic():
        locked = _lock(rr)
        if locked.state != "requested":
            raise StateConflict(_("Only a new request can be approved."))
        if locked.quality_problem and not return_quality_verified(locked):
            raise ValidationError(
                {
                    "photo_verified_at": _(
                        "A quality claim needs a verified photo first, or the reason the "
                        "defect cannot be photographed."
                    )
                }
            )
        split = rules.freight_responsibility(quality_problem=locked.quality_problem)
        locked.approve()
        locked.return_leg_payer = split.return_leg_payer
        locked.outbound_leg_payer = split.outbound_leg_payer if locked.kind == "exchange" else ""
        locked.refund_return_freight = split.refund_return_freight_on_receipt
        _save(
            locked,
            ["state", "return_leg_payer", "outbound_leg_payer", "refund_return_freight"],
            user=user,
            reason="approved",
        )
        _status_changed(locked, "requested")
        return locked


def return_request_reject(rr: ReturnRequest, *, user, reason: str) -> ReturnRequest:
    _require(user, P_CHANGE)
    if not (reason or "").strip():
        raise ValidationError({"rejection_reason": _("Give the reason.")})
    with transaction.atomic():
        locked = _lock(rr)
        old = locked.state
        if old not in ("requested", "approved", "in_transit"):
            raise StateConflict(_("This request can no longer be rejected."))
        locked.reject()
        locked.rejection_reason = reason
        _save(locked, ["state", "rejection_reason"], user=user, reason="rejected")
        _status_changed(locked, old)
        return locked


def return_waybill_register(
    rr: ReturnRequest, *, user, return_waybill_number: str, freight_prepaid=Decimal("0")
) -> ReturnRequest:
    """RET-05: the customer's return waybill number, registered when it is sent."""
    number = (return_waybill_number or "").strip()
    if not number:
        raise ValidationError({"return_waybill_number": _("Enter the return waybill number.")})
    if Decimal(str(freight_prepaid)) < 0:
        raise ValidationError({"return_freight_amount": _("Must not be negative.")})
    with transaction.atomic():
        locked = _lock(rr)
        if locked.state != "approved":
            raise StateConflict(_("Register the return waybill of an approved request."))
        locked.register_return_waybill()
        locked.return_waybill_number = number
        locked.return_freight_amount = Decimal(str(freight_prepaid))
        _save(
            locked,
            ["state", "return_waybill_number", "return_freight_amount"],
            user=user,
            reason="return sent",
        )
        _status_changed(locked, "approved")
        return locked


def return_receive(
    rr: ReturnRequest, *, user, intact: bool, box_complete: bool, resaleable: bool
) -> ReturnRequest:
    """RET-03/06: the warehouse inspects and signs; not intact, incomplete or not resaleable
    goods are rejected."""
    _require(user, P_INSPECT)
    with transaction.atomic():
        locked = _lock(rr)
        old = locked.state
        if locked.received_at is not None or old not in ("in_transit", "exchange_shipped"):
            raise StateConflict(_("No return of this request is on its way."))
        locked.intact, locked.box_complete, locked.resaleable = intact, box_complete, resaleable
        locked.received_at = timezone.now()
        locked.inspected_by = user
        fields = ["intact", "box_complete", "resaleable", "received_at", "inspected_by"]
        ok = rules.return_acceptable(
            intact=intact, box_complete=box_complete, resaleable=resaleable
        )
        if old == "in_transit":
            if ok:
                locked.receive()
            else:
                locked.reject()
                locked.rejection_reason = _("Returned goods not intact, complete and resaleable.")
                fields.append("rejection_reason")
            fields.append("state")
        _save(locked, fields, user=user, reason="received" if ok else "inspection failed")
        if locked.state != old:
            _status_changed(locked, old)
        return locked


def return_refund(rr: ReturnRequest, *, user, amount) -> ReturnRequest:
    """After the warehouse sign-off, after-sales refunds (plus prepaid return freight for
    quality problems, RET-04)."""
    _require(user, P_CHANGE)
    amount = Decimal(str(amount))
    if amount < 0:
        raise ValidationError({"refund_amount": _("Must not be negative.")})
    with transaction.atomic():
        locked = _lock(rr)
        if locked.state != "received" or locked.kind != "return":
            raise StateConflict(_("Refund a received return."))
        locked.refund()
        if locked.refund_return_freight:
            amount += locked.return_freight_amount
        locked.refund_amount = amount
        locked.refunded_at = timezone.now()
        _save(locked, ["state", "refund_amount", "refunded_at"], user=user, reason="refunded")
        _status_changed(locked, "received")
        return locked


def exchange_early_approve(rr: ReturnRequest, *, user, note: str) -> ReturnRequest:
    """RET-07: a supervisor allows the exchange to ship before the return is received."""
    _require(user, P_EARLY)
    if not (note or "").strip():
        raise ValidationError({"early_exchange_note": _("Give the reason.")})
    with transaction.atomic():
        locked = _lock(rr)
        if locked.kind != "exchange" or locked.state not in ("approved", "in_transit"):
            raise StateConflict(_("Only an approved exchange awaiting its return qualifies."))
        locked.early_exchange_approved_by = user
        locked.early_exchange_approved_at = timezone.now()
        locked.early_exchange_note = note
        return _save(
            locked,
            ["early_exchange_approved_by", "early_exchange_approved_at", "early_exchange_note"],
            user=user,
            reason="early exchange approved",
        )


def exchange_ship(rr: ReturnRequest, *, user) -> ReturnRequest:
    """RET-06/07: the printing desk prints the exchange waybill; after-sales notes its number.
    Never before the return is received unless a supervisor approved."""
    _require(user, P_CHANGE)
    with transaction.atomic():
        locked = _lock(rr)
        if locked.kind != "exchange" or locked.exchange_shipment_id:
            raise StateConflict(_("This is not an exchange awaiting shipment."))
        if not rules.exchange_may_ship(
            return_received=locked.received_at is not None,
            supervisor_approved=locked.early_exchange_approved_at is not None,
        ):
            raise StateConflict(
                _("The return has not been received and no supervisor approved shipping first."),
                code="return_not_received",
            )
        old = locked.state
        locked.ship_exchange()
        original = locked.shipment
        exchange = shipment_create(
            original.order, user=user, kind="exchange", dedicated_agent=original.dedicated_agent
        )
        locked.exchange_shipment = exchange
        _save(locked, ["state", "exchange_shipment"], user=user, reason="exchange shipped")
        desk_instruction_auto(
            exchange,
            "printing",
            _("Print exchange waybill %(n)s for %(item)s")
            % {"n": exchange.waybill_number, "item": locked.wanted_item},
            user=user,
        )
        order_remark_add(
            original.order,
            _("Exchange shipped, waybill number: %(n)s — %(date)s %(name)s")
            % {
                "n": exchange.waybill_number,
                "date": timezone.localdate().strftime("%Y.%m.%d"),
                "name": actor_name(user),
            },
            user=user,
        )
        _status_changed(locked, old)
        return locked


def return_exchange_delivered(exchange: Shipment, *, user) -> None:
    """The exchange reached the customer: followed to the end (RET-06)."""
    rr = ReturnRequest.objects.select_for_update().filter(exchange_shipment=exchange).first()
    if rr is None or rr.state != "exchange_shipped":
        return
    rr.deliver_exchange()
    _save(rr, ["state"], user=user, reason="exchange delivered")
    _status_changed(rr, "exchange_shipped")


# --- recall (RET-01) ------------------------------------------------------------------------
def recall_issue(shipment: Shipment, *, user, reason: str, courier_name: str, kept_by=None):
    """After-sales prints the two-part slip; the courier signs part one, which the printing
    desk keeps; the parcel turns back."""
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason.")
    if not (courier_name or "").strip():
        errors["courier_name"] = _("The courier signs part one of the slip.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = shipment_lock(shipment)
        _apply(locked, "recall", user=user, reason="recalled")
        slip = RecallSlip(
            shipment=locked,
            reason=reason,
            courier_name=courier_name.strip(),
            courier_signed_at=timezone.now(),
            kept_by=kept_by,
            created_by=user,
        )
        slip._history_user = user
        slip.save()
        return slip


def recall_original_received(slip: RecallSlip, *, user, received_name: str, received_on):
    """The printing desk signs "original parcel received", name and date."""
    errors = {}
    if not (received_name or "").strip():
        errors["received_name"] = _("Sign with your name.")
    if received_on is None:
        errors["received_on"] = _("Write the date.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = RecallSlip.objects.select_for_update().get(pk=slip.pk)
        if locked.state != "issued":
            raise StateConflict(_("The original parcel was already received."))
        locked.receive_original()
        locked.received_name = received_name.strip()
        locked.received_on = received_on
        locked._history_user = user
        locked.save(update_fields=["state", "received_name", "received_on"])
        _apply(shipment_lock(locked.shipment), "receive_back", user=user, reason="recalled back")
        return locked


def recall_refund(slip: RecallSlip, *, user, amount) -> RecallSlip:
    """After-sales refunds once the original parcel is back."""
    _require(user, P_CHANGE)
    amount = Decimal(str(amount))
    if amount < 0:
        raise ValidationError({"refund_amount": _("Must not be negative.")})
    with transaction.atomic():
        locked = RecallSlip.objects.select_for_update().get(pk=slip.pk)
        if locked.state != "received":
            raise StateConflict(_("Refund only after the original parcel is received."))
        locked.refund()
        locked.refund_amount = amount
        locked.refunded_at = timezone.now()
        locked._history_user = user
        locked.save(update_fields=["state", "refund_amount", "refunded_at"])
        return locked
