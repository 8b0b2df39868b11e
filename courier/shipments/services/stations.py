"""Station inbound / outbound checks (SHP-10), counter pickup with ID and COD (SHP-09)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.finance.services.fees import shipment_fees_station_weighed
from courier.shipments import rules
from courier.shipments.models import CashHandover, CounterPickup, Shipment, StationScan
from courier.shipments.services.delivery import _cod_record, signer_authorisation
from courier.shipments.services.evidence import signature_store
from courier.shipments.services.shipments import StateConflict, _apply, shipment_lock


def _scan(locked, station, direction, *, user, intact, weight_kg, label_ok, shelf, qty, source):
    scan = StationScan(
        shipment=locked,
        station=station,
        direction=direction,
        intact=intact,
        weight_kg=weight_kg,
        label_ok=label_ok,
        shelf_location=shelf or "",
        quantity=qty,
        source=source or "",
        scanned_at=timezone.now(),
        scanned_by=user,
    )
    try:
        scan.full_clean(exclude=["shipment", "station", "scanned_by"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict)
    if direction == "inbound" and not scan.shelf_location.strip():
        raise ValidationError({"shelf_location": _("Record where the parcel is shelved.")})
    scan.save()
    return scan


def station_inbound(
    shipment: Shipment,
    station,
    *,
    user,
    intact: bool,
    weight_kg,
    shelf_location: str,
    source: str,
    label_ok: bool = True,
    quantity: int = 1,
) -> StationScan:
    """SHP-10: checked intact, weighed, labelled, shelved; time, quantity and source recorded.
    A parcel in transit arrives at the station."""
    with transaction.atomic():
        locked = shipment_lock(shipment)
        scan = _scan(
            locked,
            station,
            "inbound",
            user=user,
            intact=intact,
            weight_kg=weight_kg,
            label_ok=label_ok,
            shelf=shelf_location,
            qty=quantity,
            source=source,
        )
        if locked.kind == "original":
            # FIN-01: the station's weight re-prices the freight (an adjustment line), in this
            # transaction: an implausible weight refuses the scan as a whole.
            shipment_fees_station_weighed(
                locked, weight_kg, user=user, reason=f"inbound {station.code}"
            )
        if locked.state == "in_transit":
            _apply(locked, "arrive_at_station", user=user, reason=f"inbound {station.code}")
        return scan


def station_outbound(
    shipment: Shipment, station, *, user, weight_kg, destination: str, quantity: int = 1
) -> StationScan:
    """SHP-10: outbound and dispatch recorded; the parcel goes out for delivery."""
    with transaction.atomic():
        locked = shipment_lock(shipment)
        if locked.state not in ("at_station", "delivery_failed"):
            raise StateConflict(_("The parcel is not at a station."))
        scan = _scan(
            locked,
            station,
            "outbound",
            user=user,
            intact=True,
            weight_kg=weight_kg,
            label_ok=True,
            shelf="",
            qty=quantity,
            source=destination,
        )
        _apply(locked, "send_out", user=user, reason=f"outbound {station.code}")
        return scan


def counter_pickup_record(
    shipment: Shipment,
    station,
    *,
    user,
    picker_name: str,
    id_number: str,
    id_checked: bool,
    signature,
    cod_collected=Decimal("0"),
) -> CounterPickup:
    """SHP-09: ID checked (stored masked), signature, COD collected and handed to finance.
    The collector is the named recipient or recorded as authorised (DLV-01)."""
    errors = {}
    if not id_checked:
        errors["id_checked"] = _("Check the collector's ID first.")
    if len((id_number or "").strip()) < 8:
        errors["id_number"] = _("Enter the ID number.")
    if signature is None:
        errors["signature"] = _("The collector signs in the designated place.")
    if not (picker_name or "").strip():
        errors["picker_name"] = _("Who collected the parcel?")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        locked = shipment_lock(shipment)
        if locked.state != "at_station":
            raise StateConflict(_("The parcel is not waiting at a station."))
        try:
            signer_authorisation(locked, picker_name)
        except ValidationError as exc:
            raise ValidationError({"picker_name": exc.message_dict["signer_name"]})
        pickup = CounterPickup(
            shipment=locked,
            station=station,
            picker_name=picker_name.strip(),
            id_number_masked=rules.id_number_mask(id_number),
            picked_up_at=now,
            handled_by=user,
        )
        _cod_record(locked, cod_collected, user=user, at=now)
        pickup.cod_collected = locked.cod_amount
        signature_store(pickup, signature)
        pickup._history_user = user
        pickup.save()
        _apply(locked, "hand_over_at_counter", user=user, reason=f"counter pickup {station.code}")
        return pickup


def cash_handover_receive(handover: CashHandover, *, user) -> CashHandover:
    """Finance confirms it received the COD cash."""
    if not user.has_perm("courier.receive_cashhandover"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only finance receives COD cash."))
    with transaction.atomic():
        locked = CashHandover.objects.select_for_update().get(pk=handover.pk)
        if locked.handed_to_finance_at is not None:
            raise StateConflict(_("This cash was already received."))
        locked.handed_to_finance_at = timezone.now()
        locked.received_by = user
        locked._history_user = user
        locked.save(update_fields=["handed_to_finance_at", "received_by"])
        return locked
