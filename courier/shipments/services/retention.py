"""Retention (DLV-06, SHP-11): personal data of orders completed more than the partner's
retention years ago is anonymised, history tables included; never earlier.

Province and city stay for statistics; names, phones, detailed addresses, ID numbers, photos and
signatures go. The job is idempotent: anonymised orders are skipped on the next run.

A due order that something still open needs (an open claim, complaint or dispute: the hold
providers of ``courier.shipments.services.holds``) is held: never anonymised, counted and named
by reason in the result and the dry run, and re-checked under the row lock.
"""

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from courier.core.models import Partner
from courier.shipments import rules
from courier.shipments.models import (
    CounterPickup,
    DeliveryAttempt,
    DeliveryAuthorisation,
    EvidencePhoto,
    Order,
    OrderRemark,
    ReturnRequest,
)
from courier.shipments.services.evidence import file_erase
from courier.shipments.services.holds import retention_holds

ERASED = "***"
ORDER_ERASE = {
    "sender_name": ERASED,
    "sender_phone": "",
    "sender_district": "",
    "sender_address": "",
    "recipient_name": ERASED,
    "recipient_phone": "",
    "recipient_phone_last4": "",
    "recipient_district": "",
    "recipient_address": "",
}
ATTEMPT_ERASE = {"signer_name": ERASED, "signature": ""}
AUTH_ERASE = {"authorised_name": ERASED, "authorised_phone": ""}
PICKUP_ERASE = {"picker_name": ERASED, "id_number_masked": "", "signature": ""}
RETURN_ERASE = {"customer_ref": "", "contact_name": ERASED, "contact_phone": ""}


def retention_due_orders(now=None):
    """Orders whose every shipment completed before ``now`` minus the partner's years."""
    now = now or timezone.now()
    due = Q(pk__in=[])
    for partner_id, years in Partner.objects.values_list("pk", "retention_years"):
        due |= Q(partner_id=partner_id, last_completed__lt=rules.years_before(now, years))
    return (
        Order.objects.filter(anonymised_at__isnull=True)
        .annotate(
            open_shipments=Count("shipments", filter=Q(shipments__completed_at__isnull=True)),
            last_completed=Max("shipments__completed_at"),
        )
        .filter(open_shipments=0, last_completed__isnull=False)
        .filter(due)
    )


def _counts(order_ids) -> dict[str, int]:
    return {
        "orders": len(order_ids),
        "delivery_attempts": DeliveryAttempt.objects.filter(
            shipment__order_id__in=order_ids
        ).count(),
        "authorisations": DeliveryAuthorisation.objects.filter(
            shipment__order_id__in=order_ids
        ).count(),
        "counter_pickups": CounterPickup.objects.filter(shipment__order_id__in=order_ids).count(),
        "photos": EvidencePhoto.objects.filter(
            shipment__order_id__in=order_ids, erased_at__isnull=True
        ).count(),
        "returns": ReturnRequest.objects.filter(shipment__order_id__in=order_ids).count(),
    }


def _erase_rows(model, rows, values: dict, *, files=()) -> None:
    """Save each live row (a new history row records the erasure), then overwrite every
    history row of those objects."""
    ids = []
    for row in rows:
        for name in files:
            file_erase(getattr(row, name))
        for field, value in values.items():
            setattr(row, field, value)
        row._change_reason = "retention: anonymised"
        row.save(update_fields=list(values))
        ids.append(row.pk)
    if ids:
        model.history.filter(id__in=ids).update(**values)


def order_anonymise(order: Order, *, now=None) -> bool:
    """Anonymise one order; ``False`` (nothing changed) when it already is, or is held."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.anonymised_at is not None or retention_holds([locked.pk]):
            return False
        shipment_q = {"shipment__order_id": locked.pk}
        _erase_rows(
            DeliveryAttempt,
            DeliveryAttempt.objects.filter(**shipment_q),
            ATTEMPT_ERASE,
            files=["signature"],
        )
        _erase_rows(
            DeliveryAuthorisation, DeliveryAuthorisation.objects.filter(**shipment_q), AUTH_ERASE
        )
        _erase_rows(
            CounterPickup,
            CounterPickup.objects.filter(**shipment_q),
            PICKUP_ERASE,
            files=["signature"],
        )
        _erase_rows(ReturnRequest, ReturnRequest.objects.filter(**shipment_q), RETURN_ERASE)
        for photo in EvidencePhoto.objects.filter(**shipment_q, erased_at__isnull=True):
            file_erase(photo.file)
            photo.file = ""
            photo.erased_at = now
            photo.save(update_fields=["file", "erased_at"])
        for remark in OrderRemark.objects.filter(order=locked):
            remark.text = ERASED
            remark.save(update_fields=["text"])
        for field, value in ORDER_ERASE.items():
            setattr(locked, field, value)
        locked.anonymised_at = now
        locked._change_reason = "retention: anonymised"
        # Order.save keeps recipient_phone_last4 in step with the (now empty) phone.
        locked.save(update_fields=[*ORDER_ERASE, "anonymised_at"])
        Order.history.filter(id=locked.pk).update(**ORDER_ERASE)
    return True


HOLD_CHUNK = 1000


def _split_held(ids: list[int]) -> tuple[list[int], dict[int, list[str]]]:
    held: dict[int, list[str]] = {}
    for start in range(0, len(ids), HOLD_CHUNK):
        held.update(retention_holds(ids[start : start + HOLD_CHUNK]))
    return [pk for pk in ids if pk not in held], held


def retention_anonymise(*, now=None, dry_run: bool = False, limit: int | None = None) -> dict:
    """Anonymise every due order that is not held (or only count them with ``dry_run``);
    returns the counts, with ``held`` (due but held) and ``held_reasons`` ({reason: orders})."""
    now = now or timezone.now()
    due = list(retention_due_orders(now).order_by("pk").values_list("pk", flat=True))
    free, held = _split_held(due)
    ids = free[:limit]
    counts = _counts(ids)
    reasons: dict[str, int] = {}
    for order_reasons in held.values():
        for reason in set(order_reasons):
            reasons[reason] = reasons.get(reason, 0) + 1
    counts["held"] = len(held)
    counts["held_reasons"] = dict(sorted(reasons.items()))
    if not dry_run:
        done = 0
        for order_id in ids:
            done += order_anonymise(Order(pk=order_id), now=now)
        counts["orders"] = done
    counts["dry_run"] = dry_run
    return counts
