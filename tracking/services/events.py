"""Tracking events: batch ingestion from partners (item 2), staff-recorded events and
corrections, and what the latest event of a shipment does (items 1 and 3).

A batch costs a fixed number of queries whatever its size (shipments, mappings, known event ids,
tracking rows, the events' INSERT, the projection's UPDATE, one webhook); only shipments whose
state an event moves add their own transition writes.
"""

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from courier.core.errors import InvalidInput
from courier.core.services.notifications import notification_send
from courier.core.services.webhooks import webhook_event_emit
from courier.shipments.services.claims import exception_record
from courier.shipments.services.shipments import shipments_transition_paths
from tracking import rules, selectors
from tracking.models import EventSource, ShipmentTracking, StatusMapping, TrackingEvent
from tracking.models.archive import ANY_EVENT_COLUMNS
from tracking.services.common import feed_user, policy, users_in_role
from tracking.services.work import (
    Assigner,
    chases_close_delivered_many,
    follow_up_open,
    follow_ups_close_left,
)

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


@dataclass(slots=True)
class _Ship:
    """What ingestion reads of a shipment: enough for a scan that moves nothing. Shipments an
    event moves or makes work for are read in full (one query for the batch)."""

    pk: int
    waybill_number: str
    partner_id: int
    state: str
    first_at: dt.datetime
    estimate_at: dt.datetime | None


@dataclass(slots=True)
class _Row:
    """A shipment's tracking projection as the batch rewrites it (no model instance)."""

    pk: int
    last_seq: int
    last_event_at: dt.datetime
    last_status: str
    last_sub_status: str
    last_location: str
    active: bool
    delivered_at: dt.datetime | None
    arrival_call_due: bool
    events_archived_at: dt.datetime | None


@dataclass(slots=True)
class _Ev:
    """An event of the batch before and while it is stored; ``model()`` gives the
    ``TrackingEvent`` (with its id) for the few events that move a shipment or make work."""

    shipment: object  # _Ship, or the Shipment once read in full
    partner_id: int
    seq: int
    status: str
    sub_status: str
    raw_code: str
    occurred_at: dt.datetime
    received_at: dt.datetime
    location: str
    latitude: Decimal | None
    longitude: Decimal | None
    source: str
    description: str
    partner_event_id: str
    corrects_id: int | None
    created_by_id: int | None
    moved_state: bool = False
    pk: int | None = None
    needs_model: bool = False
    _model: TrackingEvent | None = None

    @property
    def shipment_id(self) -> int:
        return self.shipment.pk

    def values(self) -> tuple:
        return tuple(getattr(self, name) for name in _EVENT_COLUMNS)

    def model(self) -> TrackingEvent:
        if self._model is None:
            fields = {name: getattr(self, name) for name in _EVENT_COLUMNS}
            if not isinstance(self.shipment, _Ship):
                fields.pop("shipment_id")
                fields["shipment"] = self.shipment
            self._model = TrackingEvent(id=self.pk, **fields)
            self._model._state.adding = False
        return self._model


_EVENT_COLUMNS = ANY_EVENT_COLUMNS[1:]  # every column but the id (COPY numbers them)
_ROW_COLUMNS = (
    "shipment_id",
    "last_seq",
    "last_event_at",
    "last_status",
    "last_sub_status",
    "last_location",
    "active",
    "delivered_at",
    "arrival_call_due",
    "events_archived_at",
)


def _ship(shipment) -> _Ship:
    return _Ship(
        shipment.pk,
        shipment.waybill_number,
        shipment.partner_id,
        shipment.state,
        shipment.shipped_at or shipment.created_at,
        shipment.order.required_arrival_at,
    )


def _tracking_rows(shipments: list[_Ship]) -> dict[int, _Row]:
    """The shipments' tracking rows, created when missing, locked in primary-key order (three
    queries, two when none is missing; no model instance but for the rows created)."""
    ids = sorted(s.pk for s in shipments)
    have = set(selectors.tracked_ids(ids))
    missing = [s for s in sorted(shipments, key=lambda s: s.pk) if s.pk not in have]
    if missing:
        ShipmentTracking.objects.bulk_create(
            [
                ShipmentTracking(
                    shipment_id=s.pk,
                    partner_id=s.partner_id,
                    last_event_at=s.first_at,
                    estimate_at=s.estimate_at,
                )
                for s in missing
            ],
            ignore_conflicts=True,
        )
    rows = (
        ShipmentTracking.objects.select_for_update()
        .filter(pk__in=selectors.many(ids, ints=True))
        .order_by("pk")
        .values_list(*_ROW_COLUMNS)
    )
    return {row[0]: _Row(*row) for row in rows}


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
        shipments = {
            row[1]: _Ship(*row)
            for row in selectors.shipment_keys_by_waybill(partner, {p.waybill for p in parsed})
        }
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
            set(selectors.known_event_ids(partner, [p.event_id for p in valid])) if valid else set()
        )
        events: list[_Ev] = []
        user_id = user.pk if user is not None else None
        for p in valid:
            if p.event_id in known:
                results[p.index] = ItemResult(p.index, p.event_id, DUPLICATE, "")
                continue
            known.add(p.event_id)
            shipment = shipments[p.waybill]
            row = tracking[shipment.pk]
            row.last_seq += 1
            events.append(
                _Ev(
                    shipment,
                    partner.pk,
                    row.last_seq,
                    p.status,
                    p.sub_status,
                    p.raw_code,
                    p.occurred_at,
                    now,
                    p.location,
                    p.latitude,
                    p.longitude,
                    EventSource.PARTNER_API,
                    p.description,
                    p.event_id,
                    None,
                    user_id,
                )
            )
            results[p.index] = ItemResult(p.index, p.event_id, ACCEPTED, "")
        if events:
            _events_apply(
                events,
                tracking,
                user=user,
                now=now,
                sandbox=partner.is_sandbox,
                rules_row=rules_row,
            )
            webhook_event_emit(
                partner,
                "tracking.event_added",
                {"events": [event_payload(e) for e in events]},
            )
    return results


def event_payload(event) -> dict:
    """The webhook's view of one event (a ``TrackingEvent`` or an event of a batch)."""
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


def _needs_shipment(event: _Ev, work) -> bool:
    """Whether the newest event of a shipment moves it or makes work (it then needs the
    shipment in full); a hub scan of a shipment already in transit does neither."""
    return bool(
        event.status in (rules.DELIVERED, rules.EXCEPTION)
        or rules.transition_path(event.shipment.state, event.status, event.sub_status)
        or rules.event_work(event.status, event.sub_status, work)
    )


def _events_apply(
    events: list[_Ev], tracking: dict, *, user, now, rules_row, sandbox: bool = False
) -> None:
    """Move each shipment by its newest new event (when it is newer than the latest known),
    insert the events, update the projection, open the work the latest events create.

    Set-based: the events go in with one statement (``COPY`` on PostgreSQL), the projection
    with one ``UPDATE``; only the shipments an event moves or makes work for are read in full
    (one query) and go through the shipment service one by one."""
    newest: dict[int, _Ev] = {}
    for event in events:
        tracking[event.shipment_id].events_archived_at = None  # live again: archivable later
        best = newest.get(event.shipment_id)
        if best is None or (event.occurred_at, event.seq) >= (best.occurred_at, best.seq):
            newest[event.shipment_id] = event
    work = rules_row.work_rules()
    latest, heavy = [], []
    for shipment_id, event in newest.items():
        row = tracking[shipment_id]
        if row.last_status and event.occurred_at < row.last_event_at:
            continue  # older than what we know: stored, but it moves nothing
        latest.append(event)
        if event.needs_model or _needs_shipment(event, work):
            heavy.append(event)
    if heavy:
        unread = [e.shipment_id for e in heavy if isinstance(e.shipment, _Ship)]
        full = selectors.shipments_by_pk(unread) if unread else {}
        for event in heavy:
            event.needs_model = True
            event.shipment = full.get(event.shipment_id, event.shipment)
        _shipments_move(heavy, actor=feed_user())
    _events_insert(events)
    reasons_of: dict[int, list[str]] = {}
    for event in latest:
        row = tracking[event.shipment_id]
        row.last_event_at = event.occurred_at
        row.last_status = event.status
        row.last_sub_status = event.sub_status
        row.last_location = event.location or row.last_location
        if event.status in TERMINAL_STATUSES or event.shipment.state in selectors.UNTRACKED_STATES:
            row.active = False
        if event.status == rules.DELIVERED:
            row.delivered_at = event.occurred_at
        reasons = [] if sandbox else rules.event_work(event.status, event.sub_status, work)
        if rules.ARRIVAL in reasons:
            row.arrival_call_due = True
        reasons_of[event.shipment_id] = reasons
    _projection_save(list(tracking.values()))
    assigner = None
    delivered = [e.shipment_id for e in heavy if e.status == rules.DELIVERED]
    if delivered:  # one query for all (their open chases and re-delivery calls close)
        chases_close_delivered_many(delivered, user=user, now=now)
    for event in heavy:
        _exception_follow(event, user=user)
        reasons = reasons_of.get(event.shipment_id, [])
        if reasons:  # a sandbox partner's test data makes no work for staff (none computed)
            assigner = assigner or Assigner(rules_row.followup_department_id, now)
        for reason in reasons:
            follow_up_open(
                event.shipment,
                reason,
                user=user,
                source_event=event.model(),
                now=now,
                assigner=assigner,
                rules_row=rules_row,
            )


def _events_insert(events: list[_Ev]) -> None:
    """Insert the events in one statement. PostgreSQL: ``COPY`` (the ORM's per-field value
    preparation was most of a batch's time), then one query for the ids of the few events that
    need them (those that make work). Other databases: ``bulk_create`` (ids returned)."""
    if connection.vendor != "postgresql":
        models = [e.model() for e in events]
        for model in models:
            model._state.adding = True
            model.pk = None
        TrackingEvent.objects.bulk_create(models)
        for event, model in zip(events, models, strict=True):
            event.pk = model.pk
        return
    table = TrackingEvent._meta.db_table
    sql = f"COPY {table} ({', '.join(_EVENT_COLUMNS)}) FROM STDIN"
    start = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for event in events:
            copy.write_row(event.values())
    if connection.queries_logged:  # counted like any statement (tests, debug toolbar)
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(events)} rows", "time": f"{time.monotonic() - start:.3f}"}
        )
    wanted = [e for e in events if e.needs_model]
    if wanted:
        ids = selectors.event_ids_by_seq([(e.shipment_id, e.seq) for e in wanted])
        for event in wanted:
            event.pk = ids[(event.shipment_id, event.seq)]
            event.model().pk = event.pk


_PROJECTION_FIELDS = (
    ("last_seq", "bigint"),
    ("last_event_at", "timestamptz"),
    ("last_status", "text"),
    ("last_sub_status", "text"),
    ("last_location", "text"),
    ("active", "boolean"),
    ("delivered_at", "timestamptz"),
    ("arrival_call_due", "boolean"),
    ("events_archived_at", "timestamptz"),
)


def _iso(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _projection_save(rows: list[_Row]) -> None:
    """Write the batch's tracking rows back in one UPDATE. On PostgreSQL one ``UPDATE ... FROM``
    the rows of one JSON parameter: Django's ``bulk_update`` builds a CASE per field and row,
    and building it took most of a 500-event batch's time (bench/bench_tracking.py)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        names = [name for name, _type in _PROJECTION_FIELDS]
        ShipmentTracking.objects.bulk_update(
            [
                ShipmentTracking(shipment_id=row.pk, **{n: getattr(row, n) for n in names})
                for row in rows
            ],
            names,
        )
        return
    sets = ", ".join(f"{name} = v.{name}" for name, _type in _PROJECTION_FIELDS)
    names = ("pk", *(name for name, _type in _PROJECTION_FIELDS))
    # One JSON parameter (rows as arrays, read back by position): psycopg's client-side binding
    # dumped ten arrays of 500 values element by element in Python.
    data = json.dumps([[getattr(row, n) for n in names] for row in rows], default=_iso)
    picks = ", ".join(
        f"(r.value->>{i})::{type_} AS {name}"
        for i, (name, type_) in enumerate((("pk", "bigint"), *_PROJECTION_FIELDS))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ShipmentTracking._meta.db_table} AS t SET {sets} "
            f"FROM (SELECT {picks} FROM jsonb_array_elements(%s::jsonb) AS r) AS v "
            "WHERE t.shipment_id = v.pk",
            [data],
        )


def _shipments_move(events: list[_Ev], *, actor) -> None:
    """Drive the shipments' state machines forward through the shipments service, all of the
    batch's at once (one lock query, one UPDATE, one history INSERT, one webhook INSERT; never
    backwards: the path is from the shipment's state to the event's)."""
    paths, reasons = {}, {}
    for event in events:
        path = rules.transition_path(event.shipment.state, event.status, event.sub_status)
        if path:
            paths[event.shipment_id] = path
            reasons[event.shipment_id] = f"tracking event {event.seq} {event.status}"
    if not paths:
        return
    done = shipments_transition_paths(paths, user=actor, reasons=reasons)
    for event in events:
        if event.shipment_id in done:
            event.shipment, event.moved_state = done[event.shipment_id]
            if not event.moved_state:
                logger.info("event %s of %s moved nothing", event.seq, event.shipment_id)


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
        tracking = _tracking_rows([_ship(shipment)])
        row = tracking[shipment.pk]
        row.last_seq += 1
        event = _Ev(
            shipment,
            shipment.partner_id,
            row.last_seq,
            status,
            sub_status,
            "",
            occurred_at,
            now,
            location,
            None,
            None,
            EventSource.STAFF,
            description,
            "",
            corrects.pk if corrects is not None else None,
            user.pk if user is not None else None,
            needs_model=True,  # the caller gets the stored event
        )
        _events_apply([event], tracking, user=user, now=now, rules_row=policy())
        webhook_event_emit(
            shipment.partner, "tracking.event_added", {"events": [event_payload(event)]}
        )
        return event.model()


def tracking_shipment_left(shipment, *, user=None) -> int:
    """A shipment recalled, returned, lost or cancelled (by a flow of the shipments domain or
    by an event that moves it there): its tracking row closes (the sweeps stop chasing it) and
    its open calls and chases are cancelled with the reason (``follow_ups_close_left``).
    Called by the shipments service in its transaction after the state change; the number of
    rows closed (the tracking row and the calls)."""
    if shipment.state not in selectors.UNTRACKED_STATES:
        return 0
    closed = ShipmentTracking.objects.filter(pk=shipment.pk, active=True).update(active=False)
    return closed + follow_ups_close_left(shipment, user=user)


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
