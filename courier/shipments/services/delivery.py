"""Delivery with proof (DLV-01..05) and the exceptions it raises."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.errors import PermissionRefused
from courier.core.services.notifications import notification_send
from courier.shipments import rules
from courier.shipments.models import (
    CashHandover,
    DeliveryAttempt,
    DeliveryAuthorisation,
    DeliveryException,
    Shipment,
)
from courier.shipments.services.evidence import (
    evidence_check,
    evidence_photo_store,
    signature_store,
)
from courier.shipments.services.shipments import (
    StateConflict,
    _apply,
    partner_event_emit,
    shipment_lock,
    shipment_payload,
    users_in_role,
)

P_AUTH_RECORD = "courier.add_deliveryauthorisation"
P_AUTH_SUPERVISE = "courier.change_deliveryauthorisation"


def delivery_authorisation_allowed(shipment: Shipment, user) -> bool:
    """DLV-01: only the origin's dedicated customer service (专职客服) records the merchant's
    authorisation: the shipment's dedicated agent (any CS agent while none is assigned), or the
    CS supervisor line covering for them. A courier, the warehouse or the other desks cannot
    (the role matrix gives them no add permission)."""
    if user is None or not user.has_perm(P_AUTH_RECORD):
        return False
    if user.has_perm(P_AUTH_SUPERVISE):
        return True
    return shipment.dedicated_agent_id in (None, user.pk)


def delivery_authorisation_record(
    shipment: Shipment, *, user, authorised_name: str, merchant_contact: str, authorised_phone=""
) -> DeliveryAuthorisation:
    """DLV-01: the dedicated agent records the alternative recipient the merchant authorised."""
    if not delivery_authorisation_allowed(shipment, user):
        raise PermissionRefused(
            _(
                "Only the origin's dedicated customer service may record the merchant's "
                "authorisation of another recipient."
            )
        )
    errors = {}
    if not authorised_name.strip():
        errors["authorised_name"] = _("Name the authorised recipient.")
    if not merchant_contact.strip():
        errors["merchant_contact"] = _("Name who at the merchant authorised it.")
    if authorised_phone and not rules.phone_is_valid(authorised_phone):
        errors["authorised_phone"] = _("Enter a Chinese mobile or landline number.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = shipment_lock(shipment)
        if locked.completed_at is not None:
            raise StateConflict(_("The shipment is already completed."))
        if not delivery_authorisation_allowed(locked, user):  # reassigned meanwhile
            raise PermissionRefused(
                _(
                    "Only the origin's dedicated customer service may record the merchant's "
                    "authorisation of another recipient."
                )
            )
        auth = DeliveryAuthorisation(
            shipment=locked,
            authorised_name=authorised_name.strip(),
            authorised_phone=authorised_phone,
            merchant_contact=merchant_contact.strip(),
            recorded_by=user,
            recorded_at=timezone.now(),
        )
        auth._history_user = user
        auth.save()
        return auth


def signer_authorisation(shipment: Shipment, signer_name: str):
    """None when the signer is the named recipient; the recorded authorisation naming the
    signer otherwise; ValidationError when there is none (DLV-01: no arbitrary proxy)."""
    if rules.names_match(signer_name, shipment.order.recipient_name):
        return None
    for auth in shipment.authorisations.order_by("-recorded_at"):
        if rules.names_match(auth.authorised_name, signer_name):
            return auth
    raise ValidationError(
        {
            "signer_name": _(
                "Only the named recipient may sign, or a person the merchant authorised and "
                "the dedicated agent recorded before delivery."
            )
        }
    )


def _notify_dedicated_agent(shipment: Shipment, subject: str, body: str, key: str) -> None:
    """DLV-01/03: the origin's dedicated agent (supervisors when none is assigned)."""
    recipients = (
        [shipment.dedicated_agent] if shipment.dedicated_agent_id else users_in_role("supervisor")
    )
    notification_send(
        recipients,
        subject,
        body,
        link=f"/admin/courier/shipment/{shipment.pk}/change/",
        dedupe_key=f"shipment:{shipment.pk}:{key}",
    )


def _cod_record(shipment: Shipment, amount, *, user, at) -> CashHandover | None:
    amount = Decimal(str(amount or 0))
    if amount != shipment.cod_amount:
        raise ValidationError(
            {"cod_collected": _("Collect exactly %(amount)s.") % {"amount": shipment.cod_amount}}
        )
    if amount <= 0:
        return None
    handover = CashHandover(shipment=shipment, amount=amount, collected_by=user, collected_at=at)
    handover._history_user = user
    handover.save()
    return handover


def delivery_attempt_record(
    shipment: Shipment,
    *,
    user,
    delivered: bool,
    courier_name: str = "",
    failure_kind: str = "",
    failure_reason: str = "",
    signer_name: str = "",
    packing_intact: bool | None = None,
    count_matches: bool | None = None,
    appearance_ok: bool | None = None,
    inspection_note: str = "",
    signature=None,
    photos=(),
    cod_collected=Decimal("0"),
    signed_at=None,
) -> DeliveryAttempt:
    """One delivery attempt with its proof. Delivered: the signer is the recipient or recorded
    as authorised (DLV-01), inspection of packing, count and appearance (DLV-02), photos when
    anything is abnormal (DLV-04) and the dedicated agent and merchant told (DLV-03), the
    signature and signing time and COD (DLV-05). Failed: the reason; an absent recipient
    notifies the dedicated agent."""
    photos = list(photos)
    evidence_check(photos, "photos")
    now = timezone.now()
    with transaction.atomic():
        locked = shipment_lock(shipment)
        if locked.state != "out_for_delivery":
            raise StateConflict(_("The shipment is not out for delivery."))
        number = locked.attempts.count() + 1
        attempt = DeliveryAttempt(
            shipment=locked,
            number=number,
            outcome="delivered" if delivered else "failed",
            attempted_at=now,
            courier_name=courier_name,
            recorded_by=user,
        )
        if delivered:
            _delivered_fill(
                locked,
                attempt,
                signer_name,
                (packing_intact, count_matches, appearance_ok),
                inspection_note,
                signature,
                photos,
                signed_at or now,
            )
        else:
            if failure_kind not in DeliveryException.Kind.values or not failure_reason.strip():
                raise ValidationError(
                    {"failure_reason": _("Give the category and the reason of the failure.")}
                )
            attempt.failure_reason = failure_reason
        attempt._history_user = user
        attempt.save()
        for upload in photos:
            evidence_photo_store(locked, upload, user=user, attempt=attempt)
        if delivered:
            _cod_record(locked, cod_collected, user=user, at=attempt.signed_at)
            attempt.cod_collected = locked.cod_amount
            attempt.save(update_fields=["cod_collected"])
            if attempt.inspection_abnormal:
                _abnormal_inspection(locked, attempt, user=user)
            _apply(locked, "deliver", user=user, reason=f"delivered, signed by attempt {number}")
            _exchange_delivered(locked, user=user)
            _tracking_event(locked, attempt, user=user)
        else:
            exc = DeliveryException(
                shipment=locked, kind=failure_kind, cause=failure_reason, recorded_by=user
            )
            exc._history_user = user
            exc.save()
            for photo in attempt.photos.all():
                photo.exception = exc
                photo.save(update_fields=["exception"])
            _notify_dedicated_agent(
                locked,
                _("Delivery failed for %(n)s: %(reason)s")
                % {"n": locked.waybill_number, "reason": failure_reason},
                _("Contact the merchant for an authorised alternative recipient if needed."),
                key=f"attempt:{number}:failed",
            )
            _apply(locked, "fail_delivery", user=user, reason=failure_reason[:100])
            _tracking_event(locked, attempt, user=user, failure_kind=failure_kind)
        return attempt


def _tracking_event(shipment: Shipment, attempt: DeliveryAttempt, *, user, failure_kind=""):
    """TRK-01..05: the attempt as a tracking event (source "staff"), in this transaction, so
    the delivery and its event commit together and the follow-up work it means is opened.

    A local import, not a task queued through the outbox: the event must commit with the
    delivery (an after-commit task could be lost with the broker and would let a partner's
    feed event slip in between), and ``tracking.services`` imports the shipments services
    (``shipment_transition``, ``exception_record``), so a module-level import here would be a
    cycle. Only ``tracking.services`` is imported (the import-linter contract). No loop: the
    shipment was moved above, so the event finds it where it says and moves nothing, and a
    partner's delivered event moves the shipment through ``shipment_transition``, which never
    calls back here."""
    from tracking.services import tracking_delivery_record

    tracking_delivery_record(
        shipment,
        user=user,
        delivered=attempt.outcome == "delivered",
        signer_is_recipient=bool(attempt.signer_is_recipient),
        failure_kind=failure_kind,
        occurred_at=attempt.signed_at or attempt.attempted_at,
    )


def _delivered_fill(locked, attempt, signer_name, checks, note, signature, photos, signed_at):
    errors = {}
    if not signer_name.strip():
        errors["signer_name"] = _("Who signed?")
    if any(c is None for c in checks):
        errors["inspection"] = _("Record packing, count and appearance.")
    if signature is None:
        errors["signature"] = _("The signature is required.")
    if errors:
        raise ValidationError(errors)
    auth = signer_authorisation(locked, signer_name)
    packing_intact, count_matches, appearance_ok = checks
    abnormal = rules.inspection_is_abnormal(
        packing_intact=packing_intact, count_matches=count_matches, appearance_ok=appearance_ok
    )
    if abnormal and not photos:
        raise ValidationError({"photos": _("Photograph every abnormality (DLV-04).")})
    attempt.signer_name = signer_name.strip()
    attempt.signer_is_recipient = auth is None
    attempt.authorisation = auth
    attempt.packing_intact = packing_intact
    attempt.count_matches = count_matches
    attempt.appearance_ok = appearance_ok
    attempt.inspection_abnormal = abnormal
    attempt.inspection_note = note
    attempt.signed_at = signed_at
    signature_store(attempt, signature)


def _abnormal_inspection(shipment: Shipment, attempt: DeliveryAttempt, *, user) -> None:
    """DLV-03: record the exception with its photos; tell the dedicated agent at once (admin
    notice and email) and the merchant (webhook)."""
    wrong = [
        label
        for label, ok in (
            (_("packing"), attempt.packing_intact),
            (_("count"), attempt.count_matches),
            (_("appearance"), attempt.appearance_ok),
        )
        if not ok
    ]
    cause = _("Abnormal at delivery: %(what)s. %(note)s") % {
        "what": ", ".join(str(w) for w in wrong),
        "note": attempt.inspection_note,
    }
    exc = DeliveryException(shipment=shipment, kind="inspection", cause=cause, recorded_by=user)
    exc._history_user = user
    exc.save()
    attempt.photos.update(exception=exc)
    _notify_dedicated_agent(
        shipment,
        _("Abnormal delivery inspection: %(n)s") % {"n": shipment.waybill_number},
        cause,
        key=f"attempt:{attempt.number}:abnormal",
    )
    partner_event_emit(
        shipment.partner,
        "shipment.exception",
        {
            **shipment_payload(shipment),
            "exception": "inspection",
            "packing_intact": attempt.packing_intact,
            "count_matches": attempt.count_matches,
            "appearance_ok": attempt.appearance_ok,
            "note": attempt.inspection_note,
        },
    )


def _exchange_delivered(shipment: Shipment, *, user) -> None:
    if shipment.kind != "exchange":
        return
    from courier.shipments.services.returns import return_exchange_delivered

    return_exchange_delivered(shipment, user=user)
