"""RET-08: parcels after-sales follows to the end.

- A returned parcel without a service card or note: the warehouse hands it to after-sales (a
  follow-up and a notice to after-sales), who contacts the customer, then handles the return
  itself or, for an exchange, asks the printing desk to print the exchange waybill.
- A difficult parcel (疑难件): followed with notes (calls to the customer or the courier).
- A forwarded parcel (转件): the forwarding waybill number, whether forwarding succeeded, whether
  the parcel arrived safely.
- A parcel to be returned and re-sent: entered in the return/exchange register (this follow-up,
  linked to the register entry when there is one) and followed until it is back and sent again.

Settling is refused until the kind's facts are recorded.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.errors import PermissionRefused
from courier.core.services.notifications import notification_send
from courier.shipments.models import ParcelFollowUp, ParcelFollowUpNote, ReturnRequest
from courier.shipments.services.shipments import (
    StateConflict,
    desk_instruction_auto,
    users_in_role,
)

P_OPEN = "courier.add_parcelfollowup"
P_FOLLOW = "courier.change_parcelfollowup"
Kind = ParcelFollowUp.Kind


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionRefused(_("Your role may not do this to a parcel follow-up."))


def _lock(fu: ParcelFollowUp) -> ParcelFollowUp:
    locked = ParcelFollowUp.objects.select_for_update().get(pk=fu.pk)
    if locked.state != "open":
        raise StateConflict(_("This parcel follow-up is already settled."))
    return locked


def _save(fu: ParcelFollowUp, fields, *, user, reason: str) -> ParcelFollowUp:
    fu._history_user = user
    fu._change_reason = reason[:100]
    fu.save(update_fields=fields)
    return fu


def parcel_followup_open(
    *,
    user,
    kind: str,
    parcel_waybill_number: str,
    description: str,
    shipment=None,
    return_request: ReturnRequest | None = None,
) -> ParcelFollowUp:
    """Open a follow-up. The warehouse opens one for a return without a card; after-sales opens
    every kind. After-sales is notified of a return without a card."""
    if kind == Kind.NO_CARD:
        _require(user, P_OPEN)
    else:
        _require(user, P_FOLLOW)
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose the kind of parcel.")
    if not (parcel_waybill_number or "").strip():
        errors["parcel_waybill_number"] = _("Enter the parcel's waybill number.")
    if not (description or "").strip():
        errors["description"] = _("Describe the parcel and what is wrong.")
    if kind == Kind.RESEND and shipment is None and return_request is None:
        errors["shipment"] = _("Name the shipment that is returned and re-sent.")
    if errors:
        raise ValidationError(errors)
    if return_request is not None and shipment is None:
        shipment = return_request.shipment
    with transaction.atomic():
        fu = ParcelFollowUp(
            kind=kind,
            parcel_waybill_number=parcel_waybill_number.strip(),
            description=description.strip(),
            shipment=shipment,
            return_request=return_request,
            created_by=user,
        )
        fu._history_user = user
        fu.save()
        if kind == Kind.NO_CARD:
            notification_send(
                users_in_role("aftersales"),
                _("Returned parcel %(n)s arrived without a service card")
                % {"n": fu.parcel_waybill_number},
                _("Contact the customer, then handle the return or ask for the exchange waybill."),
                link=f"/admin/courier/parcelfollowup/{fu.pk}/change/",
                dedupe_key=f"parcelfollowup:{fu.pk}:no_card",
            )
        return fu


def parcel_followup_note(
    fu: ParcelFollowUp, *, user, text: str, customer_contacted: bool = False
) -> ParcelFollowUpNote:
    """A step of the follow-up (a call to the customer or the courier and what was agreed)."""
    _require(user, P_FOLLOW)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write what was done.")})
    with transaction.atomic():
        locked = _lock(fu)
        now = timezone.now()
        note = ParcelFollowUpNote.objects.create(
            followup=locked, text=text.strip(), written_by=user, written_at=now
        )
        if customer_contacted and locked.customer_contacted_at is None:
            locked.customer_contacted_at = now
            _save(locked, ["customer_contacted_at"], user=user, reason="customer contacted")
        return note


def parcel_followup_forwarding(
    fu: ParcelFollowUp,
    *,
    user,
    forwarding_waybill_number: str,
    forwarded_ok: bool | None,
    arrived_safely: bool | None = None,
) -> ParcelFollowUp:
    """转件: the forwarding waybill number, whether it succeeded, whether it arrived safely."""
    _require(user, P_FOLLOW)
    if not (forwarding_waybill_number or "").strip():
        raise ValidationError(
            {"forwarding_waybill_number": _("Enter the forwarding waybill number.")}
        )
    if forwarded_ok is False and arrived_safely:
        raise ValidationError(
            {"arrived_safely": _("A parcel whose forwarding failed has not arrived.")}
        )
    with transaction.atomic():
        locked = _lock(fu)
        if locked.kind != Kind.FORWARDED:
            raise StateConflict(_("Only a forwarded parcel has a forwarding waybill."))
        locked.forwarding_waybill_number = forwarding_waybill_number.strip()
        locked.forwarded_ok = forwarded_ok
        locked.arrived_safely = arrived_safely
        return _save(
            locked,
            ["forwarding_waybill_number", "forwarded_ok", "arrived_safely"],
            user=user,
            reason="forwarding recorded",
        )


def parcel_followup_resend(
    fu: ParcelFollowUp, *, user, returned: bool, resend_waybill_number: str = ""
) -> ParcelFollowUp:
    """退回重发: the parcel is back (and, once re-sent, the new waybill number)."""
    _require(user, P_FOLLOW)
    with transaction.atomic():
        locked = _lock(fu)
        if locked.kind != Kind.RESEND:
            raise StateConflict(_("Only a parcel to be returned and re-sent is recorded here."))
        fields = []
        if returned and locked.returned_at is None:
            locked.returned_at = timezone.now()
            fields.append("returned_at")
        if (resend_waybill_number or "").strip():
            if locked.returned_at is None:
                raise StateConflict(_("The parcel is re-sent only after it came back."))
            locked.resend_waybill_number = resend_waybill_number.strip()
            fields.append("resend_waybill_number")
        if not fields:
            raise ValidationError(
                {"returned": _("Record that the parcel is back, or the re-send.")}
            )
        return _save(locked, fields, user=user, reason="re-send recorded")


def parcel_followup_missing(fu: ParcelFollowUp) -> list[str]:
    """What still has to be recorded before the follow-up may be settled (RET-08)."""
    missing = []
    if fu.kind == Kind.NO_CARD:
        if fu.customer_contacted_at is None:
            missing.append(str(_("Contact the customer first.")))
    elif fu.kind == Kind.DIFFICULT:
        if not fu.notes.exists():
            missing.append(str(_("Record how the parcel was followed (a call, a note).")))
    elif fu.kind == Kind.FORWARDED:
        if not fu.forwarding_waybill_number or fu.forwarded_ok is None:
            missing.append(str(_("Record the forwarding waybill number and whether it succeeded.")))
        elif fu.forwarded_ok and fu.arrived_safely is None:
            missing.append(str(_("Record whether the forwarded parcel arrived safely.")))
    elif fu.kind == Kind.RESEND and (fu.returned_at is None or not fu.resend_waybill_number):
        missing.append(str(_("Record that the parcel is back and the re-send waybill number.")))
    return missing


def parcel_followup_close(
    fu: ParcelFollowUp, *, user, outcome: str, decision: str = ""
) -> ParcelFollowUp:
    """Settle the follow-up with its outcome. A return without a card needs the decision: a
    return is handled by after-sales itself; an exchange sends the printing desk an instruction
    to print the exchange waybill (SHP-12: through the system)."""
    _require(user, P_FOLLOW)
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Write the outcome.")})
    with transaction.atomic():
        locked = _lock(fu)
        missing = parcel_followup_missing(locked)
        if missing:
            raise StateConflict(" ".join(missing), code="followup_incomplete")
        fields = ["state", "outcome", "closed_at", "closed_by"]
        if locked.kind == Kind.NO_CARD:
            if decision not in ParcelFollowUp.Decision.values:
                raise ValidationError({"decision": _("Choose return or exchange.")})
            locked.decision = decision
            fields.append("decision")
            if decision == ParcelFollowUp.Decision.EXCHANGE:
                desk_instruction_auto(
                    locked.shipment,
                    "printing",
                    _("Print the exchange waybill for returned parcel %(n)s: %(outcome)s")
                    % {"n": locked.parcel_waybill_number, "outcome": outcome.strip()},
                    user=user,
                )
        locked.close()
        locked.outcome = outcome.strip()
        locked.closed_at = timezone.now()
        locked.closed_by = user
        return _save(locked, fields, user=user, reason="settled")


def parcel_followup_steps_available(fu: ParcelFollowUp, user=None) -> set[str]:
    if fu.state != "open":
        return set()
    names = {"note", "close"}
    if fu.kind == Kind.FORWARDED:
        names.add("forwarding")
    if fu.kind == Kind.RESEND:
        names.add("resend")
    return names
