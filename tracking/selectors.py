"""Reads of the tracking app, one use case each (sweeps, queues, figures, extracts, lookup)."""

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from courier.shipments.selectors import shipments_all, shipments_listing
from courier.shipments.services.shipments import LEFT_TRACKING
from staffing import selectors as staffing_selectors
from tracking import rules
from tracking.models import (
    AnyTrackingEvent,
    ArchivedTrackingEvent,
    ContactLog,
    EventRetention,
    FollowUpTask,
    ShipmentTracking,
    TrackingEvent,
    TrackingPolicy,
)

# Shipment states in which a parcel is on its way (a tracking row is kept for them).
ON_THE_WAY = ("picked_up", "in_transit", "at_station", "out_for_delivery", "delivery_failed")
TERMINAL_STATES = ("delivered", "returned", "cancelled", "lost")
# States in which a shipment is no longer followed: its tracking row is closed (no chase, no
# stale sweep): delivered, and those the shipment service closes tracking for itself (a recalled
# parcel, "returning", is after-sales' business, not a late delivery).
UNTRACKED_STATES = ("delivered", *LEFT_TRACKING)


def local_tz():
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=local_tz())
    return start, start + dt.timedelta(days=1)


# --- ingestion --------------------------------------------------------------------------------
def many(values, *, ints: bool = False):
    """The right-hand side of an ``__in`` filter over a batch's values. On PostgreSQL one
    parameter (a JSON array of the strings, or the ids joined by commas) unpacked by the server:
    Django prepares each value of a list and psycopg's client-side binding quotes each one, which
    took a third of a 500-event batch's time (``bench/profile_ingest.py``). Elsewhere the list."""
    values = list(values)
    if connection.vendor != "postgresql":
        return values
    if ints:
        return RawSQL(
            "SELECT unnest(string_to_array(%s, ',')::bigint[])",
            [",".join(str(int(v)) for v in values)],
        )
    return RawSQL("SELECT jsonb_array_elements_text(%s::jsonb)", [json.dumps(values)])


def shipment_keys_by_waybill(partner, waybills) -> list[tuple]:
    """The partner's shipments among ``waybills`` as (id, waybill, partner id, state, shipped or
    created at, the order's required arrival): what a scan needs, in one query and no model."""
    return list(
        shipments_all()
        .filter(partner=partner, waybill_number__in=many(waybills))
        .annotate(first_at=Coalesce("shipped_at", "created_at"))
        .values_list(
            "pk", "waybill_number", "partner_id", "state", "first_at", "order__required_arrival_at"
        )
    )


def shipments_by_pk(ids) -> dict:
    """Shipments with their order, by id (one query)."""
    return {s.pk: s for s in shipments_listing().filter(pk__in=list(ids))}


def tracked_ids(shipment_ids) -> list[int]:
    """Which of these shipments have a tracking row already."""
    return list(
        ShipmentTracking.objects.filter(pk__in=many(shipment_ids, ints=True)).values_list(
            "pk", flat=True
        )
    )


def known_event_ids(partner, event_ids):
    """Which of these partner event ids are stored already (duplicates), live or archived: one
    ``UNION ALL`` query, each side through its partial unique index (``trk_event_partner_event_id``
    on the live table, ``trk_archive_partner_event_id`` on the archive), so an event re-sent
    after the nightly archival moved its original is still a duplicate. Each side repeats its
    index's condition (``partner_event_id <> ''``), since PostgreSQL proves it from an ``IN``
    list of at most 100 values only, and a batch of 500 would otherwise scan the whole table.
    The caller holds the batch's tracking rows' locks, which the archival takes too: a move
    that committed before is seen here (READ COMMITTED reads each statement afresh)."""
    wanted = many(event_ids)
    live = (
        TrackingEvent.objects.filter(partner=partner, partner_event_id__in=wanted)
        .exclude(partner_event_id="")
        .order_by()
        .values_list("partner_event_id", flat=True)
    )
    archived = (
        ArchivedTrackingEvent.objects.filter(partner=partner, partner_event_id__in=wanted)
        .exclude(partner_event_id="")
        .order_by()
        .values_list("partner_event_id", flat=True)
    )
    return live.union(archived, all=True)


def event_ids_by_seq(keys: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(shipment id, seq) → event id for these keys (one query through the (shipment, seq)
    index; pairs not asked for are dropped)."""
    wanted = set(keys)
    rows = TrackingEvent.objects.filter(
        shipment_id__in={k[0] for k in wanted}, seq__in={k[1] for k in wanted}
    ).values_list("pk", "shipment_id", "seq")
    return {(row[1], row[2]): row[0] for row in rows if (row[1], row[2]) in wanted}


def shipment_one(pk: int):
    return shipments_listing().get(pk=pk)


def events_of_shipment(shipment, *, after_seq: int = 0):
    """A shipment's events in sequence order, live and archived (the nightly archival moves
    closed shipments' old events to the archive table; a later event stays live): one query
    through the ``tracking_anyevent`` view, each table by its ``(shipment, seq)`` index."""
    return AnyTrackingEvent.objects.filter(shipment_id=shipment.pk, seq__gt=after_seq).order_by(
        "seq"
    )


def events_for_partner_api():
    """Base queryset of the partner's event list, live and archived (the view filters it by
    partner and shipment)."""
    return AnyTrackingEvent.objects.order_by("seq")


def partner_shipment_id(partner, waybill_number: str) -> int | None:
    """The id of the partner's shipment with this waybill, or None (one query)."""
    return (
        shipments_all()
        .filter(partner=partner, waybill_number=waybill_number)
        .values_list("pk", flat=True)
        .first()
    )


# --- archival (issue 19 item 11) ----------------------------------------------------------------
def event_retentions() -> dict[int, int]:
    """partner id → months its closed shipments' events stay live (partners with their own)."""
    return dict(EventRetention.objects.values_list("partner_id", "keep_months"))


def archivable_tracking(default_before: dt.datetime, own_before: dict[int, dt.datetime]):
    """Closed tracking rows not archived yet whose last event is older than their partner's
    cut-off (the ``trk_archivable`` partial index)."""
    cond = Q(last_event_at__lt=default_before) & ~Q(partner_id__in=list(own_before))
    for partner_id, before in own_before.items():
        cond |= Q(partner_id=partner_id, last_event_at__lt=before)
    return ShipmentTracking.objects.filter(active=False, events_archived_at__isnull=True).filter(
        cond
    )


# --- sweeps (TRK-02): each through its partial index -------------------------------------------
def _no_open(reason: str):
    return ~Exists(
        FollowUpTask.objects.filter(shipment_id=OuterRef("pk"), reason=reason, state="open")
    )


def untracked_recent_shipments(since: dt.datetime):
    """Shipments on their way, changed since ``since`` (the ``updated_at`` index), without a
    tracking row yet: those that left through another flow than an event."""
    return (
        shipments_all()
        .filter(updated_at__gte=since, state__in=ON_THE_WAY, tracking__isnull=True)
        .select_related("order")
    )


def stale_tracking(before: dt.datetime):
    return ShipmentTracking.objects.filter(active=True, last_event_at__lte=before).filter(
        _no_open(rules.CHASE)
    )


def past_estimate_tracking(now: dt.datetime):
    return ShipmentTracking.objects.filter(
        active=True, estimate_at__isnull=False, estimate_at__lte=now
    ).filter(_no_open(rules.CHASE))


def failed_delivery_tracking():
    return ShipmentTracking.objects.filter(
        active=True, last_status=rules.DELIVERY_FAILED, last_event_at__isnull=False
    ).filter(_no_open(rules.REDELIVERY))


def arrival_unconfirmed_tracking():
    return ShipmentTracking.objects.filter(
        arrival_call_due=True, arrival_confirmed_at__isnull=True, delivered_at__isnull=False
    ).filter(_no_open(rules.ARRIVAL))


def vip_tracking_not_followed_today(day_start: dt.datetime):
    followed = FollowUpTask.objects.filter(
        shipment_id=OuterRef("pk"), reason=rules.VIP, created_at__gte=day_start
    )
    return (
        ShipmentTracking.objects.filter(active=True, partner__is_vip=True)
        .filter(_no_open(rules.VIP))
        .filter(~Exists(followed))
    )


def chases_expired(now: dt.datetime):
    return FollowUpTask.objects.filter(
        state="open", reason=rules.CHASE, chase_until__lte=now, alerted_at__isnull=True
    )


def follow_ups_overdue(now: dt.datetime):
    return FollowUpTask.objects.filter(
        state="open", due_at__lte=now, overdue_notified_at__isnull=True
    )


def open_follow_up(shipment_id: int, reason: str) -> FollowUpTask | None:
    return FollowUpTask.objects.filter(shipment_id=shipment_id, reason=reason, state="open").first()


# --- assignment by the published roster (TRK-04) ----------------------------------------------
def agents_on_shift(department_id: int | None, at: dt.datetime) -> list[int]:
    """Employee ids of active CS agents of the department whose published shift covers ``at``
    (yesterday's night shifts included)."""
    if department_id is None:
        return []
    local = at.astimezone(local_tz())
    days = [local.date() - dt.timedelta(days=1), local.date()]
    ids = set()
    for entries in staffing_selectors.on_duty(department_id, days).values():
        for entry in entries:
            if entry.employee.position != "agent" or not entry.employee.is_active:
                continue
            if any(start <= at < end for start, end in entry.session_times()):
                ids.add(entry.employee_id)
    return sorted(ids)


def last_assignee_id() -> int | None:
    return (
        FollowUpTask.objects.filter(assignee__isnull=False)
        .order_by("-created_at", "-id")
        .values_list("assignee_id", flat=True)
        .first()
    )


# --- the agent's queue page (TRK-04, TRK-05, TRK-01) -------------------------------------------
def agent_queue(employee, today: dt.date) -> dict:
    """Open calls and chases due by the end of today, and today's open contacts: 2 queries."""
    _start, end = day_bounds(today)
    start = _start
    tasks = list(
        FollowUpTask.objects.filter(assignee=employee, state="open", due_at__lt=end)
        .select_related("shipment")
        .order_by("due_at", "id")
    )
    contacts = list(
        ContactLog.objects.filter(agent=employee, state="open", received_at__gte=start)
        .select_related("shipment")
        .order_by("received_at")
    )
    return {
        "calls": [t for t in tasks if t.reason != rules.CHASE],
        "chases": [t for t in tasks if t.reason == rules.CHASE],
        "contacts": contacts,
    }


def unassigned_queue():
    return FollowUpTask.objects.filter(assignee__isnull=True, state="open").select_related(
        "shipment"
    )


# --- the daily revisit figure (TRK-04) ---------------------------------------------------------
def revisit_figures(day: dt.date) -> dict:
    """Calls due on ``day`` (not cancelled): required, done and the rate, per agent and in total.
    One query."""
    start, end = day_bounds(day)
    rows = (
        FollowUpTask.objects.filter(due_at__gte=start, due_at__lt=end)
        .exclude(state="cancelled")
        .values("assignee_id", "assignee__name")
        .annotate(required=Count("id"), done=Count("id", filter=Q(state="done")))
        .order_by("assignee__name")
    )
    agents = [
        {
            "agent_id": r["assignee_id"],
            "agent": r["assignee__name"] or "",
            "required": r["required"],
            "done": r["done"],
            "rate": rules.revisit_rate(r["done"], r["required"]),
        }
        for r in rows
    ]
    required = sum(a["required"] for a in agents)
    done = sum(a["done"] for a in agents)
    return {
        "day": day,
        "agents": agents,
        "required": required,
        "done": done,
        "rate": rules.revisit_rate(done, required),
    }


# --- extracts (TRK-06, TRK-08, TRK-12): rows for the stored reports ----------------------------
def abnormal_orders_extract(day: dt.date) -> list[dict]:
    """TRK-06: calls closed on ``day`` as abnormal or with untrue station information."""
    start, end = day_bounds(day)
    rows = (
        FollowUpTask.objects.filter(
            completed_at__gte=start,
            completed_at__lt=end,
            outcome__in=["abnormal", "station_untrue"],
        )
        .select_related("shipment", "assignee")
        .order_by("completed_at", "id")
    )
    return [
        {
            "waybill_number": t.shipment.waybill_number,
            "reason": t.reason,
            "outcome": t.outcome,
            "note": t.note,
            "agent": t.assignee.name if t.assignee_id else "",
            "completed_at": t.completed_at,
        }
        for t in rows
    ]


def redelivery_extract(day: dt.date) -> list[dict]:
    """TRK-08: re-delivery calls due on ``day`` per business company (partner): how many, how
    many ended delivered, and the success rate."""
    start, end = day_bounds(day)
    rows = (
        FollowUpTask.objects.filter(reason=rules.REDELIVERY, due_at__gte=start, due_at__lt=end)
        .exclude(state="cancelled")
        .values("shipment__partner__code", "shipment__partner__name")
        .annotate(
            volume=Count("id"),
            delivered=Count("id", filter=Q(shipment__state="delivered")),
        )
        .order_by("shipment__partner__code")
    )
    return [
        {
            "partner": r["shipment__partner__code"],
            "partner_name": r["shipment__partner__name"],
            "volume": r["volume"],
            "delivered": r["delivered"],
            "success_rate": rules.revisit_rate(r["delivered"], r["volume"]),
        }
        for r in rows
    ]


def delay_causes_extract(start_day: dt.date, end_day: dt.date) -> list[dict]:
    """TRK-12: delay events by cause and lane (sender city → recipient city)."""
    start, _e = day_bounds(start_day)
    _s, end = day_bounds(end_day)
    rows = (
        TrackingEvent.objects.filter(
            occurred_at__gte=start,
            occurred_at__lt=end,
            status=rules.EXCEPTION,
            sub_status__in=rules.DELAY_CAUSES,
        )
        .exclude(shipment__partner__is_sandbox=True)  # test keys' data is no lane's delay
        .values("shipment__order__sender_city", "shipment__order__recipient_city", "sub_status")
        .annotate(events=Count("id"), shipments=Count("shipment_id", distinct=True))
        .order_by("shipment__order__sender_city", "shipment__order__recipient_city", "sub_status")
    )
    return [
        {
            "lane": f"{r['shipment__order__sender_city']} → {r['shipment__order__recipient_city']}",
            "cause": r["sub_status"],
            "events": r["events"],
            "shipments": r["shipments"],
        }
        for r in rows
    ]


# --- public lookup ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LookupLimits:
    per_minute: int
    max_failures: int
    lock_minutes: int


_LIMIT_FIELDS = {
    "per_minute": "lookup_per_minute",
    "max_failures": "lookup_max_failures",
    "lock_minutes": "lookup_lock_minutes",
}


def _limit_default(field: str) -> int:
    return TrackingPolicy._meta.get_field(field).default


def lookup_limits() -> LookupLimits:
    """The policy's lookup limits (its defaults while the policy row does not exist)."""
    row = TrackingPolicy.objects.filter(pk=1).values(*_LIMIT_FIELDS.values()).first() or {}
    return LookupLimits(
        **{name: row.get(field, _limit_default(field)) for name, field in _LIMIT_FIELDS.items()}
    )


def lookup_shipment(waybill_number: str):
    """The shipment with its order and, as ``lookup_limits``, the policy's lookup limits: one
    query (the limits are scalar subqueries of the one policy row)."""
    policy_row = TrackingPolicy.objects.filter(pk=1)
    shipment = (
        shipments_listing()
        .filter(waybill_number=waybill_number)
        .annotate(
            **{
                f"_limit_{name}": Coalesce(
                    Subquery(policy_row.values(field)[:1]), Value(_limit_default(field))
                )
                for name, field in _LIMIT_FIELDS.items()
            }
        )
        .order_by()
        .first()
    )
    if shipment is not None:
        shipment.lookup_limits = LookupLimits(
            **{name: getattr(shipment, f"_limit_{name}") for name in _LIMIT_FIELDS}
        )
    return shipment


def lookup_failures(waybill_number: str, since: dt.datetime) -> int:
    return ContactLog.objects.filter(
        waybill_number=waybill_number, lookup="wrong_digits", received_at__gte=since
    ).count()


# --- the ops console (courier.console): the supervisor's board, the branch matrix --------------
def overdue_work(agent_ids, now: dt.datetime) -> dict:
    """TRK-04/05: open calls and chases of ``agent_ids`` whose time has passed (``due_at`` before
    ``now``), the oldest first. One query."""
    tasks = list(
        FollowUpTask.objects.filter(assignee_id__in=list(agent_ids), state="open", due_at__lt=now)
        .select_related("shipment", "assignee")
        .order_by("due_at", "id")
    )
    return {
        "calls": [t for t in tasks if t.reason != rules.CHASE],
        "chases": [t for t in tasks if t.reason == rules.CHASE],
    }


def follow_up_by_department_day(start_day: dt.date, end_day: dt.date) -> dict:
    """TRK-04/08 per (department of the assignee, local day due): calls required (not
    cancelled), done, re-deliveries and re-deliveries delivered. One query."""
    from django.db.models.functions import TruncDate

    start, _e = day_bounds(start_day)
    _s, end = day_bounds(end_day)
    redelivery = Q(reason=rules.REDELIVERY)
    rows = (
        FollowUpTask.objects.filter(due_at__gte=start, due_at__lt=end)
        .exclude(state="cancelled")
        .annotate(day=TruncDate("due_at", tzinfo=local_tz()))
        .order_by()
        .values("assignee__department_id", "day")
        .annotate(
            required=Count("id"),
            done=Count("id", filter=Q(state="done")),
            redelivery=Count("id", filter=redelivery),
            redelivered=Count("id", filter=redelivery & Q(shipment__state="delivered")),
        )
    )
    return {
        (r["assignee__department_id"], r["day"]): {
            "required": r["required"],
            "done": r["done"],
            "redelivery": r["redelivery"],
            "redelivered": r["redelivered"],
        }
        for r in rows
    }


# --- returns issued to stations (TRK-07) and the month-end inventory (TRK-09) ------------------
# Parcels a station answers for: on its shelf, out with its couriers, or back after a failure.
STATION_HELD = ("at_station", "out_for_delivery", "delivery_failed")


def _station_of(scans, before=None):
    """The station of the latest scan (at or before ``before`` when one is), or None."""
    chosen = None
    for scan in scans:
        if before is not None and scan["at"] > before:
            continue
        if chosen is None or (scan["at"], scan["id"]) > (chosen["at"], chosen["id"]):
            chosen = scan
    return chosen


def _scans_of(shipment_ids) -> dict[int, list[dict]]:
    """Every station scan of the shipments, with its station (one query)."""
    rows = (
        shipments_all()
        .filter(pk__in=list(shipment_ids), station_scans__isnull=False)
        .values(
            "pk",
            "station_scans__id",
            "station_scans__scanned_at",
            "station_scans__direction",
            "station_scans__shelf_location",
            "station_scans__station__code",
            "station_scans__station__name",
        )
    )
    scans: dict[int, list[dict]] = {}
    for r in rows:
        scans.setdefault(r["pk"], []).append(
            {
                "id": r["station_scans__id"],
                "at": r["station_scans__scanned_at"],
                "direction": r["station_scans__direction"],
                "shelf": r["station_scans__shelf_location"],
                "code": r["station_scans__station__code"],
                "name": r["station_scans__station__name"],
            }
        )
    return scans


def returns_to_stations_extract(start_day: dt.date, end_day: dt.date) -> list[dict]:
    """TRK-07: per station, the returns (recall slips, 退单) issued in ``start_day..end_day`` and
    those issued earlier still outstanding: how many were issued in the period, how many came
    back (original parcel received), how many are still out, since when, and which waybills.
    The station is that of the parcel's last scan before the slip. Two queries."""
    start, _e = day_bounds(start_day)
    _s, end = day_bounds(end_day)
    issued_in = Q(recall_slips__created_at__gte=start, recall_slips__created_at__lt=end)
    still_out = Q(recall_slips__created_at__lt=start, recall_slips__state="issued")
    slips = list(
        shipments_all()
        .filter(issued_in | still_out)
        .values(
            "pk",
            "waybill_number",
            "recall_slips__id",
            "recall_slips__state",
            "recall_slips__created_at",
        )
        .order_by("recall_slips__created_at", "recall_slips__id")
    )
    scans = _scans_of({s["pk"] for s in slips})
    stations: dict[str, dict] = {}
    for slip in slips:
        issued_at = slip["recall_slips__created_at"]
        scan = _station_of(scans.get(slip["pk"], []), before=issued_at)
        scan = scan or _station_of(scans.get(slip["pk"], []))
        code, name = (scan["code"], scan["name"]) if scan else ("", "")
        row = stations.setdefault(
            code,
            {
                "station": code,
                "station_name": name,
                "issued": 0,
                "back": 0,
                "outstanding": 0,
                "oldest_outstanding": None,
                "outstanding_waybills": [],
            },
        )
        if issued_at >= start:
            row["issued"] += 1
        if slip["recall_slips__state"] == "issued":
            row["outstanding"] += 1
            row["outstanding_waybills"].append(slip["waybill_number"])
            if row["oldest_outstanding"] is None:
                row["oldest_outstanding"] = issued_at
        elif issued_at >= start:
            row["back"] += 1
    return [stations[code] for code in sorted(stations)]


def station_inventory_extract(station_code: str = "", *, now: dt.datetime) -> list[dict]:
    """TRK-09: the orders each station answers for now (on its shelf, out for delivery, back
    after a failed attempt), by the station of their last scan: waybill, state, when it came
    in, the shelf and the days held. Two queries (the shipments, their scans)."""
    shipments = list(
        shipments_all()
        .filter(state__in=STATION_HELD, station_scans__isnull=False)
        .distinct()
        .order_by("waybill_number")
    )
    scans = _scans_of(s.pk for s in shipments)
    rows = []
    for shipment in shipments:
        own = scans.get(shipment.pk, [])
        scan = _station_of(own)
        if scan is None or (station_code and scan["code"] != station_code):
            continue
        inbound = _station_of([s for s in own if s["direction"] == "inbound"])
        since = inbound["at"] if inbound else scan["at"]
        rows.append(
            {
                "station": scan["code"],
                "station_name": scan["name"],
                "waybill_number": shipment.waybill_number,
                "state": str(shipment.get_state_display()),
                "since": since,
                "shelf": inbound["shelf"] if inbound else "",
                "days_held": (
                    now.astimezone(local_tz()).date() - since.astimezone(local_tz()).date()
                ).days,
            }
        )
    rows.sort(key=lambda r: (r["station"], r["waybill_number"]))
    return rows
