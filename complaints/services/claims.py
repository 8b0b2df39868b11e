"""CMP-11: claims from complaints. Damage → an insurance claim with the required photos; loss →
a compensation proposal with an amount, approved by a manager. The shipment exception and the
claim rows are made by the courier app's ``exception_record`` (it stores the photos privately)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from complaints.models import ComplaintClaim, ComplaintSettings

from .common import ComplaintError, complaint_lock, now
from .incidents import loss_incident_open


def _amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ComplaintError(_("The amount must be a number."))
    if amount < 0:
        raise ComplaintError(_("The amount must not be negative."))
    return amount


def complaint_claim_file(
    complaint, *, user, kind: str, cause: str, photos=(), amount=None
) -> ComplaintClaim:
    from courier.shipments.services.claims import exception_record

    if user is not None and not user.has_perm("complaints.handle_complaint"):
        raise ComplaintError(_("You do not have permission for this step."))
    if kind not in ComplaintClaim.Kind.values:
        raise ComplaintError(_("Choose insurance (damage) or compensation (loss)."))
    photos = list(photos)
    amount = _amount(amount)
    cfg = ComplaintSettings.load()
    if kind == ComplaintClaim.Kind.INSURANCE and len(photos) < cfg.insurance_min_photos:
        raise ComplaintError(
            _("An insurance claim needs at least %(n)s photo(s) of the damage.")
            % {"n": cfg.insurance_min_photos}
        )
    with transaction.atomic():
        c = complaint_lock(complaint)
        if c.shipment_id is None:
            raise ComplaintError(_("Link the complaint to its shipment first."))
        if c.claims.filter(kind=kind).exclude(state=ComplaintClaim.State.REJECTED).exists():
            raise ComplaintError(_("This complaint already has such a claim."))
        try:
            exc = exception_record(
                c.shipment,
                user=user,
                kind="damage" if kind == ComplaintClaim.Kind.INSURANCE else "loss",
                cause=cause,
                photos=photos,
                amount=amount,
            )
        except ValidationError as err:
            raise ComplaintError(err.messages)
        claim = ComplaintClaim(complaint=c, kind=kind, created_by=user, photo_count=len(photos))
        if kind == ComplaintClaim.Kind.INSURANCE:
            claim.insurance_claim = exc.insurance_claim
            claim.amount = exc.insurance_claim.amount
        else:
            claim.compensation = exc.compensation_proposal
            claim.amount = exc.compensation_proposal.amount
        claim._history_user = user
        claim.save()
        if kind == ComplaintClaim.Kind.COMPENSATION:
            loss_incident_open(c, user=user, cause=cause)
    return claim


def complaint_claim_decide(
    claim: ComplaintClaim, *, user, approve: bool, amount=None, note: str = ""
) -> ComplaintClaim:
    """A manager approves (possibly a different amount) or rejects with a note."""
    amount = _amount(amount)
    if not approve and not (note or "").strip():
        raise ComplaintError(_("Say why the claim is rejected."))
    with transaction.atomic():
        cl = ComplaintClaim.objects.select_for_update().get(pk=claim.pk)
        method = cl.approve if approve else cl.reject
        if cl.state != ComplaintClaim.State.PROPOSED:
            raise ComplaintError(_("This claim was already decided."))
        if user is not None and not has_transition_perm(method, user):
            raise ComplaintError(_("Only a manager can approve or reject a claim."))
        method()
        cl.approved_amount = (amount if amount is not None else cl.amount) if approve else None
        cl.decided_by, cl.decided_at, cl.decision_note = user, now(), (note or "").strip()
        cl._history_user = user
        cl.save()
    return cl
