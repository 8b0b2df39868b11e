"""SHP-12: instructions to the printing desk and the warehouse, acknowledged and reported back."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.services.notifications import notification_send
from courier.shipments.models import DeskInstruction
from courier.shipments.services.shipments import StateConflict


def desk_instruction_issue(
    desk: str,
    text: str,
    *,
    user,
    shipment=None,
    urgent: bool = False,
    signed_name: str = "",
    signed_on=None,
) -> DeskInstruction:
    """Urgent instructions carry the issuer's name and the date, or the desk may refuse them."""
    errors = {}
    if desk not in DeskInstruction.Desk.values:
        errors["desk"] = _("Choose the printing desk or the warehouse.")
    if not (text or "").strip():
        errors["text"] = _("Write the instruction.")
    if urgent and not (signed_name or "").strip():
        errors["signed_name"] = _("An urgent instruction must carry your name.")
    if urgent and signed_on is None:
        errors["signed_on"] = _("An urgent instruction must carry the date.")
    if errors:
        raise ValidationError(errors)
    instruction = DeskInstruction(
        desk=desk,
        text=text,
        shipment=shipment,
        urgent=urgent,
        signed_name=signed_name if urgent else "",
        signed_on=signed_on if urgent else None,
        issued_by=user,
    )
    instruction._history_user = user
    instruction.save()
    return instruction


def _lock(instruction: DeskInstruction) -> DeskInstruction:
    return DeskInstruction.objects.select_for_update().get(pk=instruction.pk)


def desk_instruction_acknowledge(instruction: DeskInstruction, *, user) -> DeskInstruction:
    with transaction.atomic():
        locked = _lock(instruction)
        if locked.state != "sent":
            raise StateConflict(_("This instruction was already acknowledged."))
        locked.acknowledge()
        locked.acknowledged_by = user
        locked.acknowledged_at = timezone.now()
        locked._history_user = user
        locked.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
        return locked


def desk_instruction_complete(
    instruction: DeskInstruction, *, user, feedback: str
) -> DeskInstruction:
    """The desk reports back when done; the issuer is told."""
    if not (feedback or "").strip():
        raise ValidationError({"feedback": _("Report back what was done.")})
    with transaction.atomic():
        locked = _lock(instruction)
        if locked.state == "done":
            raise StateConflict(_("This instruction is already done."))
        locked.complete()
        locked.done_by = user
        locked.done_at = timezone.now()
        locked.feedback = feedback
        locked._history_user = user
        locked.save(update_fields=["state", "done_by", "done_at", "feedback"])
        if locked.issued_by_id and locked.issued_by_id != getattr(user, "pk", None):
            notification_send(
                [locked.issued_by],
                _("Desk instruction done: %(text)s") % {"text": locked.text[:80]},
                feedback,
                link=f"/admin/courier/deskinstruction/{locked.pk}/change/",
                dedupe_key=f"deskinstruction:{locked.pk}:done",
                email=False,
            )
        return locked
