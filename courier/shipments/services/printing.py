"""Printing waybill labels (SHP-02, SHP-06): a print records the shipment as printed.

A new waybill (``created``) becomes ``printed`` through its transition (``printed_at``, the
print count, history, the partner webhook); a modified one waiting for a re-print
(``needs_reprint``) is re-printed; printing an already printed label again (a jammed printer)
changes nothing. A shipment that has left the printing desk (picked up or later) is refused.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from courier.core.errors import ApplicationError, StateConflict
from courier.shipments.models import Shipment
from courier.shipments.models.shipments import P_PRINT

from .shipments import _apply, shipment_lock, shipment_reprint

PRINTED, REPRINTED, ALREADY = "printed", "reprinted", "already"
AT_THE_DESK = ("printed", "packed")


@dataclass(frozen=True)
class PrintResult:
    shipment: Shipment
    outcome: str  # PRINTED, REPRINTED or ALREADY


def shipment_print_record(shipment: Shipment, *, user) -> PrintResult:
    """Record that ``user`` printed the label of ``shipment``."""
    if not user.has_perm(P_PRINT):
        raise PermissionDenied(_("Your role may not print waybills."))
    with transaction.atomic():
        locked = shipment_lock(shipment)
        if locked.state == "created":
            return PrintResult(
                _apply(locked, "print_waybill", user=user, reason="printed"), PRINTED
            )
        if locked.state in AT_THE_DESK and locked.needs_reprint:
            return PrintResult(shipment_reprint(locked, user=user), REPRINTED)
        if locked.state in AT_THE_DESK:
            return PrintResult(locked, ALREADY)
        raise StateConflict(
            _("Shipment %(w)s is “%(state)s”: it has left the printing desk.")
            % {"w": locked.waybill_number, "state": locked.get_state_display()},
            code="not_printable",
        )


@dataclass(frozen=True)
class BulkPrint:
    results: list[PrintResult]
    refused: list[tuple[Shipment, str]]


def shipments_print_record(shipments, *, user) -> BulkPrint:
    """Each shipment in its own transaction: one refused label does not undo the others."""
    if not user.has_perm(P_PRINT):
        raise PermissionDenied(_("Your role may not print waybills."))
    results, refused = [], []
    for shipment in shipments:
        try:
            results.append(shipment_print_record(shipment, user=user))
        except ApplicationError as exc:
            refused.append((shipment, " ".join(exc.messages)))
    return BulkPrint(results, refused)
