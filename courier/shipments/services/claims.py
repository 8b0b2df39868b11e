"""Shipment exceptions (INC-03, INC-04): damage → insurance claim, loss → compensation."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.shipments.models import (
    CompensationProposal,
    DeliveryException,
    InsuranceClaim,
    Shipment,
)
from courier.shipments.services.evidence import evidence_check, evidence_photo_store
from courier.shipments.services.shipments import (
    StateConflict,
    partner_event_emit,
    shipment_lock,
    shipment_payload,
)


def _goods_value(shipment: Shipment) -> Decimal:
    order = shipment.order
    if order.goods_amount is not None:
        return order.goods_amount
    return sum((line.amount for line in order.lines.all()), Decimal("0"))


def exception_record(
    shipment: Shipment, *, user, kind: str, cause: str, photos=(), amount=None
) -> DeliveryException:
    """Register an abnormal parcel by category with photos. Damage needs at least one photo and
    opens an insurance claim; loss opens a compensation proposal (default: the goods value)."""
    photos = list(photos)
    errors = {}
    if kind not in DeliveryException.Kind.values:
        errors["kind"] = _("Choose a category.")
    if not (cause or "").strip():
        errors["cause"] = _("Describe the cause.")
    if kind == DeliveryException.Kind.DAMAGE and not photos:
        errors["photos"] = _("Photograph the damage: an insurance claim needs photos.")
    if amount is not None and Decimal(str(amount)) < 0:
        errors["amount"] = _("Must not be negative.")
    if errors:
        raise ValidationError(errors)
    evidence_check(photos, "photos")
    with transaction.atomic():
        locked = shipment_lock(shipment)
        exc = DeliveryException(shipment=locked, kind=kind, cause=cause, recorded_by=user)
        exc._history_user = user
        exc.save()
        for upload in photos:
            evidence_photo_store(locked, upload, user=user, exception=exc)
        value = Decimal(str(amount)) if amount is not None else _goods_value(locked)
        if kind == DeliveryException.Kind.DAMAGE:
            claim = InsuranceClaim(
                exception=exc,
                shipment=locked,
                amount=value,
                photo_count=len(photos),
                created_by=user,
            )
            claim._history_user = user
            claim.save()
        elif kind == DeliveryException.Kind.LOSS:
            proposal = CompensationProposal(
                exception=exc, shipment=locked, amount=value, created_by=user
            )
            proposal._history_user = user
            proposal.save()
        partner_event_emit(
            locked.partner,
            "shipment.exception",
            {**shipment_payload(locked), "exception": kind, "cause": cause},
        )
        return exc


def _lock(exc: DeliveryException) -> DeliveryException:
    return DeliveryException.objects.select_for_update().get(pk=exc.pk)


def exception_handle(
    exc: DeliveryException,
    *,
    user,
    handling: str,
    customer_informed: bool = False,
    reported_to_network: bool = False,
) -> DeliveryException:
    """INC-03/04: how it is handled (customer told of a delay, plan adjusted; reported back to
    the network point)."""
    if not (handling or "").strip():
        raise ValidationError({"handling": _("Describe the handling.")})
    with transaction.atomic():
        locked = _lock(exc)
        if locked.state != "open":
            raise StateConflict(_("This exception is not open."))
        locked.handle()
        locked.handling = handling
        now = timezone.now()
        if customer_informed:
            locked.customer_informed_at = now
        if reported_to_network:
            locked.reported_to_network_at = now
        locked._history_user = user
        locked.save(
            update_fields=["state", "handling", "customer_informed_at", "reported_to_network_at"]
        )
        return locked


def exception_close(exc: DeliveryException, *, user, result: str) -> DeliveryException:
    if not (result or "").strip():
        raise ValidationError({"result": _("Record the result.")})
    with transaction.atomic():
        locked = _lock(exc)
        if locked.state == "closed":
            raise StateConflict(_("This exception is already closed."))
        locked.close()
        locked.result = result
        locked.closed_at = timezone.now()
        locked._history_user = user
        locked.save(update_fields=["state", "result", "closed_at"])
        return locked
