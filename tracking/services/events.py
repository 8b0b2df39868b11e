"""Tracking events: batch ingestion from partners (item 2), staff-recorded events and
corrections, and what the latest event of a shipment does (items 1 and 3).

A batch costs a fixed number of queries whatever its size (shipments, mappings, known event ids,
tracking rows, the events' INSERT, the projection's UPDATE, one webhook); only shipments whose
state an event moves add their own transition writes.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from courier.core.errors import InvalidInput, StateConflict
from courier.core.services.notifications import notification_send
from courier.core.services.webhooks import webhook_event_emit
from courier.shipments.services.claims import exception_record
from courier.shipments.services.shipments import shipment_transition
from tracking import rules, selectors
from tracking.models import EventSource, ShipmentTracking, StatusMapping, TrackingEvent
from tracking.services.common import feed_user, policy, users_in_role
from tracking.services.work import Assigner, chases_close_delivered, follow_up_open

logger = logging.getLogger("tracking.events")

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
TERMINAL_STATUSES = {rules.DELIVERED, rules.RETURNED, rules.CANCELLED}


@dataclass
class ItemResult:
    index: int
    event_id: str | None
    result: str
    reason: str = ""

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "event_id": self.event_id,
            "result": self.result,
            "reason": self.reason,
        }


@dataclass
class Parsed:
    index: int
    waybill: str
    event_id: str
    code: str
    sub_status: str
    occurred_at: dt.datetime
    location: str
    description: str
    latitude: Decimal | None
    longitude: Decimal | None
    status: str = ""
    raw_code: str = ""


_TEXT_LIMITS = {"waybill_number": 32, "event_id": 64, "status": 32, "location": 200}


def _text(item: dict, name: str, *, required: bool, limit: int) -> str:
    value = item.get(name)
    if value is None:
        if required:
            raise ValueError(_("%(field)s is required.") % {"field": name})
        return ""
    if not isinstance(value, str):
        raise ValueError(_("%(field)s must be a string.") % {"field": name})
    value = value.strip()
    if required and not value:
        raise ValueError(_("%(field)s is required.") % {"field": name})
    if len(value) > limit:
        raise ValueError(
            _("%(field)s is longer than %(n)s characters.") % {"field": name, "n": limit}
        )
    return value


def _coordinate(value, low: int, high: int, name: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(_("%(field)s must be a number.") % {"field": name})
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(_("%(field)s must be a number.") % {"field": name}) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValueError(
            _("%(field)s must be between %(low)s and %(high)s.")
            % {"field": name, "low": low, "high": high}
        )
    return number.quantize(Decimal("0.000001"))


def event_item_parse(item, index: int, *, now: dt.datetime, tolerance_minutes: int) -> Parsed:
    """One item of a batch, checked for shape; ValueError with the reason otherwise."""
    if not isinstance(item, dict):
        raise ValueError(_("Each event must be an object."))
    waybill = _text(item, "waybill_number", required=True, limit=32)
    event_id = _text(item, "event_id", required=True, limit=64)
    code = _text(item, "status", required=True, limit=32)
    sub_status = _text(item, "sub_status", required=False, limit=20)
    location = _text(item, "location", required=False, limit=200)
    description = _text(item, "description", required=False, limit=500)
    raw_time = item.get("occurred_at")
    occurred_at = parse_datetime(raw_time) if isinstance(raw_time, str) else None
    if occurred_at is None:
        raise ValueError(_("occurred_at must be an ISO 8601 date and time."))
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if rules.is_future(occurred_at, now, tolerance_minutes):
        raise ValueError(_("occurred_at is in the future."))
    latitude = _coordinate(item.get("latitude"), -90, 90, "latitude")
    longitude = _coordinate(item.get("longitude"), -180, 180, "longitude")
    if (latitude is None) != (longitude is None):
        raise ValueError(_("Give both latitude and longitude, or neither."))
    return Parsed(
        index,
        waybill,
        event_id,
        code,
        sub_status,
        occurred_at,
        location,
        description,
        latitude,
        longitude,
    )


def _mappings(partner, codes) -> dict[str, StatusMapping]:
    """Raw code → mapping; the partner's own row wins over the default table (one query)."""
    found: dict[str, StatusMapping] = {}
    if not codes:
        return found
    rows = StatusMapping.objects.filter(
        Q(partner=partner) | Q(partner__isnull=True), code__in=list(codes)
    )
    for row in rows:
        if row.code not in found or row.partner_id is not None:
            found[row.code] = row
    return found


def _resolve(p: Parsed, mappings) -> str:
    """Set ``p.status``/``sub_status``/``raw_code``; returns a rejection reason or ""."""
    if p.code in rules.STATUSES:
        p.status = p.code
    else:
        mapping = mappings.get(p.code)
        if mapping is None:
            return _("Unknown status code %(code)s.") % {"code": p.code}
        p.status, p.raw_code = mapping.status, p.code
        p.sub_status = p.sub_status or mapping.sub_status
    if not rules.sub_status_allowed(p.status, p.sub_status):
        return _("Sub-status %(sub)s does not belong to status %(status)s.") % {
            "sub": p.sub_status,
            "status": p.status,
        }
    return ""


def _tracking_rows(shipments: list) -> dict[int, ShipmentTracking]:
    """The shipments' tracking rows, created when missing, locked in primary-key order."""
    ids = [s.pk for s in shipments]
    ShipmentTracking.objects.bulk_create(
        [
            ShipmentTracking(
                shipment=s,
                partner_id=s.partner_id,
                last_event_at=s.shipped_at or s.created_at,
                estimate_at=s.order.required_arrival_at,
            )
            for s in shipments
        ],
        ignore_conflicts=True,
    )
    rows = ShipmentTracking.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {row.pk: row for row in rows}


def tracking_events_ingest(partner, items, *, user, now: dt.datetime | None = None):
    """Item 2: store the valid events of a partner's batch, answer one result per item in
    order. Unknown waybill, unknown code, a future time, a malformed item or an item past the
    batch limit is rejected with its reason; a known event id is a duplicate (harmless)."""
    now = now or timezone.now()
    rules_row = policy()
    results: list[ItemResult | None] = [None] * len(items)
    parsed: list[Parsed] = []
    for index, item in enumerate(items):
        event_id = item.get("event_id") if isinstance(item, dict) else None
        event_id = event_id if isinstance(event_id, str) else None
        if index >= rules_row.max_batch:
            results[index] = ItemResult(
                index,
                event_id,
                REJECTED,
                _("Over the batch limit of %(n)s events; send it in another batch.")
                % {"n": rules_row.max_batch},
            )
            continue
        try:
            parsed.append(
                event_item_parse(
                    item, index, now=now, tolerance_minutes=rules_row.future_tolerance_minutes
                )
            )
        except ValueError as exc:
            results[index] = ItemResult(index, event_id, REJECTED, str(exc))

    with transaction.atomic():
        shipments = selectors.shipments_by_waybill(partner, {p.waybill for p in parsed})
        mappings = _mappings(partner, {p.code for p in parsed if p.code not in rules.STATUSES})
        valid: list[Parsed] = []
        for p in parsed:
            reason = ""
            if p.waybill not in shipments:
                reason = _("Unknown waybill %(waybill)s.") % {"waybill": p.waybill}
            reason = reason or _resolve(p, mappings)
            if reason:
                results[p.index] = ItemResult(p.index, p.event_id, REJECTED, reason)
            else:
                valid.append(p)
        tracking = (
            _tracking_rows(
                list({shipments[p.waybill].pk: shipments[p.waybill] for p in valid}.values())
            )
            if valid
            else {}
        )
        known = (
            set(
                TrackingEvent.objects.filter(
                    partner=partner, partner_event_id__in=[p.event_id for p in valid]
                ).values_list("partner_event_id", flat=True)
            )
            if valid
            else set()
        )
        events: list[TrackingEvent] = []
        for p in valid:
            if p.event_id in known:
                results[p.index] = ItemResult(p.index, p.event_id, DUPLICATE, "")
                continue
            known.add(p.event_id)
            shipment = shipments[p.waybill]
            row = tracking[shipment.pk]
            row.last_seq += 1
            events.append(
                TrackingEvent(
                    shipment=shipment,
                    partner=partner,
                    seq=row.last_seq,
                    status=p.status,
                    sub_status=p.sub_status,
                    raw_code=p.raw_code,
                    occurred_at=p.occurred_at,
                    received_at=now,
                    location=p.location,
                    latitude=p.latitude,
                    longitude=p.longitude,
                    source=EventSource.PARTNER_API,
                    description=p.description,
                    partner_event_id=p.event_id,
                    created_by=user,
                )
            )
            results[p.index] = ItemResult(p.index, p.event_id, ACCEPTED, "")
        if events:
            _events_apply(events, tracking, user=user, now=now, sandbox=partner.is_sandbox)
            webhook_event_emit(
                partner,
                "tracking.event_added",
                {"events": [event_payload(e) for e in events]},
            )
    return results


def event_payload(event: TrackingEvent) -> dict:
    return {
        "waybill_number": event.shipment.waybill_number,
        "seq": event.seq,
        "event_id": event.partner_event_id or None,
        "status": event.status,
        "sub_status": event.sub_status,
        "raw_code": event.raw_code,
        "occurred_at": event.occurred_at,
        "location": event.location,
        "description": event.description,
        "latitude": event.latitude,
        "longitude": event.longitude,
    }


def _events_apply(
    events: list[TrackingEvent], tracking: dict, *, user, now, sandbox: bool = False
) -> None:
    """Move each shipment by its newest new event (when it is newer than the latest known),
    insert the events, update the projection, open the work the latest events create."""
    newest: dict[int, TrackingEvent] = {}
    for event in events:
        best = newest.get(event.shipment_id)
        if best is None or (event.occurred_at, event.seq) >= (best.occurred_at, best.seq):
            newest[event.shipment_id] = event
    latest = []
    for shipment_id, event in newest.items():
        row = tracking[shipment_id]
        if row.last_status and event.occurred_at < row.last_event_at:
            continue  # older than what we know: stored, but it moves nothing
        latest.append(event)
        event.moved_state = _shipment_move(event, user=user)
    TrackingEvent.objects.bulk_create(events)
    changed = []
    for event in latest:
        row = tracking[event.shipment_id]
        row.last_event_at = event.occurred_at
        row.last_status = event.status
        row.last_sub_status = event.sub_status
        row.last_location = event.location or row.last_location
        if event.status in TERMINAL_STATUSES or event.shipment.state in selectors.TERMINAL_STATES:
            row.active = False
        if event.status == rules.DELIVERED:
            row.delivered_at = event.occurred_at
        changed.append(row)
    _projection_save(list(tracking.values()))
    work = policy().work_rules()
    assigner = None
    for event in latest:
        reasons = rules.event_work(event.status, event.sub_status, work)
        if event.status == rules.DELIVERED:
            chases_close_delivered(event.shipment, user=user, now=now)
        _exception_follow(event, user=user)
        if not reasons or sandbox:  # a sandbox partner's test data makes no work for staff
            continue
        assigner = assigner or Assigner(policy().followup_department_id, now)
        for reason in reasons:
            if reason == rules.ARRIVAL:
                row = tracking[event.shipment_id]
                row.arrival_call_due = True
                row.save(update_fields=["arrival_call_due"])
            follow_up_open(
                event.shipment, reason, user=user, source_event=event, now=now, assigner=assigner
            )


_PROJECTION_FIELDS = (
    ("last_seq", "bigint"),
    ("last_event_at", "timestamptz"),
    ("last_status", "text"),
    ("last_sub_status", "text"),
    ("last_location", "text"),
    ("active", "boolean"),
    ("delivered_at", "timestamptz"),
    ("arrival_call_due", "boolean"),
)


def _projection_save(rows: list[ShipmentTracking]) -> None:
    """Write the batch's tracking rows back in one UPDATE. On PostgreSQL one ``UPDATE ... FROM
    unnest(arrays)``: Django's ``bulk_update`` builds a CASE per field and row, and building it
    took most of a 500-event batch's time (bench/bench_tracking.py)."""
    if connection.vendor != "postgresql":
        ShipmentTracking.objects.bulk_update(rows, [name for name, _type in _PROJECTION_FIELDS])
        return
    sets = ", ".join(f"{name} = v.{name}" for name, _type in _PROJECTION_FIELDS)
    arrays = ", ".join(f"%s::{type_}[]" for _name, type_ in (("pk", "bigint"), *_PROJECTION_FIELDS))
    names = ", ".join(["pk", *(name for name, _type in _PROJECTION_FIELDS)])
    params = [[row.pk for row in rows]]
    params += [[getattr(row, name) for row in rows] for name, _type in _PROJECTION_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ShipmentTracking._meta.db_table} AS t SET {sets} "
            f"FROM unnest({arrays}) AS v({names}) WHERE t.shipment_id = v.pk",
            params,
        )


def _shipment_move(event: TrackingEvent, *, user) -> bool:
    """Drive the shipment's state machine forward through its service (never backwards)."""
    shipment = event.shipment
    path = rules.transition_path(shipment.state, event.status, event.sub_status)
    if not path:
        return False
    actor = feed_user()
    try:
        with transaction.atomic():
            for name in path:
                shipment = shipment_transition(
                    shipment, name, user=actor, reason=f"tracking event {event.seq} {event.status}"
                )
    except (StateConflict, TransitionNotAllowed, PermissionDenied) as exc:
        logger.info("event %s of %s moved nothing: %s", event.seq, shipment.pk, exc)
        event.shipment = selectors.shipment_one(shipment.pk)
        return False
    event.shipment = shipment
    return True


def _exception_follow(event: TrackingEvent, *, user) -> None:
    """Loss opens the existing loss flow (a compensation proposal); damage needs photos for the
    insurance claim, so after-sales is told to register it with them."""
    if event.status != rules.EXCEPTION:
        return
    shipment = event.shipment
    if event.sub_status == "lost":
        if not shipment.exceptions.filter(kind="loss").exists():
            exception_record(
                shipment,
                user=user,
                kind="loss",
                cause=event.description or _("Reported lost by the carrier."),
            )
    elif event.sub_status == "damaged":
        notification_send(
            users_in_role("aftersales"),
            _("Damage reported on %(waybill)s: register it with photos to open the claim")
            % {"waybill": shipment.waybill_number},
            event.description,
            link=f"/admin/courier/shipment/{shipment.pk}/change/",
            dedupe_key=f"trk-damage:{shipment.pk}",
        )


def tracking_event_record(
    shipment,
    *,
    user,
    status: str,
    occurred_at: dt.datetime,
    sub_status: str = "",
    location: str = "",
    description: str = "",
    corrects: TrackingEvent | None = None,
) -> TrackingEvent:
    """An event recorded by staff (or a correction of an earlier one: a new event naming it)."""
    if status not in rules.STATUSES or not rules.sub_status_allowed(status, sub_status):
        raise InvalidInput({"status": _("Choose a status and a matching sub-status.")})
    now = timezone.now()
    if rules.is_future(occurred_at, now, policy().future_tolerance_minutes):
        raise InvalidInput({"occurred_at": _("occurred_at is in the future.")})
    if corrects is not None and corrects.shipment_id != shipment.pk:
        raise InvalidInput({"corrects": _("The corrected event belongs to another shipment.")})
    with transaction.atomic():
        shipment = selectors.shipment_one(shipment.pk)
        tracking = _tracking_rows([shipment])
        row = tracking[shipment.pk]
        row.last_seq += 1
        event = TrackingEvent(
            shipment=shipment,
            partner_id=shipment.partner_id,
            seq=row.last_seq,
            status=status,
            sub_status=sub_status,
            occurred_at=occurred_at,
            received_at=now,
            location=location,
            description=description,
            source=EventSource.STAFF,
            corrects=corrects,
            created_by=user,
        )
        _events_apply([event], tracking, user=user, now=now)
        webhook_event_emit(
            shipment.partner, "tracking.event_added", {"events": [event_payload(event)]}
        )
        return event


def tracking_delivery_record(
    shipment,
    *,
    user,
    delivered: bool,
    signer_is_recipient: bool = False,
    failure_kind: str = "",
    occurred_at: dt.datetime | None = None,
) -> TrackingEvent:
    """A delivery attempt recorded in the shipments domain (DLV-01..05) as a staff event with
    the normalised delivered or failed sub-status. Called by
    ``courier.shipments.services.delivery`` inside its transaction, after the shipment's own
    transition: the shipment is already where the event says, so the event moves nothing and
    writes no second event; it opens the work the event means (arrival call, re-delivery)."""
    status, sub_status = rules.delivery_status(delivered, signer_is_recipient, failure_kind)
    now = timezone.now()
    return tracking_event_record(
        shipment,
        user=user,
        status=status,
        sub_status=sub_status,
        occurred_at=min(occurred_at or now, now),
    )
