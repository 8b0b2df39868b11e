"""Tracking rule arithmetic: pure functions over plain values, no database (TRK-02..05, TRK-10).

Every number comes from ``TrackingPolicy`` (the caller reads it and passes it in); the
vocabulary and the state paths below are code because the shipment state machine is code.
"""

import datetime as dt
from collections import deque
from dataclasses import dataclass

from courier.core import masking

# --- the normalised vocabulary (item 1) ---------------------------------------------------------
INFO_RECEIVED = "info_received"
PICKED_UP = "picked_up"
IN_TRANSIT = "in_transit"
ARRIVED_AT_STATION = "arrived_at_station"
OUT_FOR_DELIVERY = "out_for_delivery"
AT_PICKUP_POINT = "at_pickup_point"
DELIVERY_FAILED = "delivery_failed"
DELIVERED = "delivered"
EXCEPTION = "exception"
STALE = "stale"
RETURNING = "returning"
RETURNED = "returned"
CANCELLED = "cancelled"

STATUSES = (
    INFO_RECEIVED,
    PICKED_UP,
    IN_TRANSIT,
    ARRIVED_AT_STATION,
    OUT_FOR_DELIVERY,
    AT_PICKUP_POINT,
    DELIVERY_FAILED,
    DELIVERED,
    EXCEPTION,
    STALE,
    RETURNING,
    RETURNED,
    CANCELLED,
)

# sub-statuses allowed under each status ("" is always allowed)
SUB_STATUSES: dict[str, tuple[str, ...]] = {
    DELIVERY_FAILED: ("recipient_absent", "address_error", "unreachable", "refused", "other"),
    DELIVERED: ("by_recipient", "by_proxy", "at_pickup_point"),
    EXCEPTION: (
        "damaged",
        "lost",
        "weather",
        "traffic_control",
        "recipient_anomaly",
        "objective",
        "other",
    ),
}
ALL_SUB_STATUSES = tuple(dict.fromkeys(s for subs in SUB_STATUSES.values() for s in subs))

# TRK-12: the exception sub-statuses that are causes of delay
DELAY_CAUSES = ("objective", "weather", "traffic_control", "recipient_anomaly")


def sub_status_allowed(status: str, sub_status: str) -> bool:
    """``sub_status`` may qualify ``status`` ("" always may)."""
    return sub_status == "" or sub_status in SUB_STATUSES.get(status, ())


# --- events drive the shipment state machine, forward only --------------------------------------
# Normalised status → the shipment state it means (None: it does not move the shipment).
STATUS_TARGET = {
    PICKED_UP: "picked_up",
    IN_TRANSIT: "in_transit",
    ARRIVED_AT_STATION: "at_station",
    AT_PICKUP_POINT: "at_station",
    OUT_FOR_DELIVERY: "out_for_delivery",
    DELIVERY_FAILED: "delivery_failed",
    DELIVERED: "delivered",
}

# The shipment transitions a carrier's events may run: (source, transition, target). Returns,
# cancellation and loss have their own flows (recall slips, after-sales) and are not driven here.
EVENT_EDGES = (
    ("packed", "pick_up", "picked_up"),
    ("picked_up", "depart", "in_transit"),
    ("in_transit", "arrive_at_station", "at_station"),
    ("at_station", "send_out", "out_for_delivery"),
    ("delivery_failed", "send_out", "out_for_delivery"),
    ("out_for_delivery", "deliver", "delivered"),
    ("out_for_delivery", "fail_delivery", "delivery_failed"),
)
COUNTER_EDGE = ("at_station", "hand_over_at_counter", "delivered")


def transition_path(state: str, status: str, sub_status: str = "") -> list[str]:
    """The transitions that take a shipment in ``state`` to what ``status`` means; [] when it
    means nothing for the shipment, is where it already is, or lies behind it (never backwards).

    >>> transition_path("in_transit", "delivered")
    ['arrive_at_station', 'send_out', 'deliver']
    >>> transition_path("at_station", "delivered", "at_pickup_point")
    ['hand_over_at_counter']
    >>> transition_path("at_station", "in_transit")
    []
    """
    target = STATUS_TARGET.get(status)
    if target is None or target == state:
        return []
    edges = list(EVENT_EDGES)
    if sub_status == "at_pickup_point":
        edges.insert(0, COUNTER_EDGE)
    seen = {state}
    queue = deque([(state, [])])
    while queue:
        at, path = queue.popleft()
        for source, name, dest in edges:
            if source != at or dest in seen:
                continue
            if dest == target:
                return [*path, name]
            seen.add(dest)
            queue.append((dest, [*path, name]))
    return []


# --- which work an event creates (item 3) -------------------------------------------------------
ARRIVAL = "arrival"
REDELIVERY = "redelivery"
CHASE = "chase"
VIP = "vip"
NO_FEEDBACK = "no_feedback"
UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class WorkRules:
    arrival_call_for_recipient: bool
    arrival_call_for_proxy: bool
    arrival_call_for_pickup_point: bool
    chase_on_stale_event: bool
    redelivery_on_failure: bool


def event_work(status: str, sub_status: str, rules: WorkRules) -> list[str]:
    """Follow-up reasons an event opens (TRK-03, TRK-04, TRK-05)."""
    if status == DELIVERED:
        wanted = {
            "by_proxy": rules.arrival_call_for_proxy,
            "at_pickup_point": rules.arrival_call_for_pickup_point,
        }.get(sub_status, rules.arrival_call_for_recipient)
        return [ARRIVAL] if wanted else []
    if status == AT_PICKUP_POINT:
        return [ARRIVAL] if rules.arrival_call_for_pickup_point else []
    if status == DELIVERY_FAILED:
        return [REDELIVERY] if rules.redelivery_on_failure else []
    if status == STALE or (status == EXCEPTION and sub_status in DELAY_CAUSES):
        return [CHASE] if rules.chase_on_stale_event else []
    return []


# A delivery failure's category (the shipments domain's exception kinds) → our sub-status.
FAILURE_SUB_STATUS = {
    "recipient_absent": "recipient_absent",
    "address_error": "address_error",
    "refused": "refused",
}


def delivery_status(delivered: bool, signer_is_recipient: bool, failure_kind: str = ""):
    """The normalised (status, sub-status) of a delivery attempt recorded by staff.

    >>> delivery_status(True, True), delivery_status(True, False)
    (('delivered', 'by_recipient'), ('delivered', 'by_proxy'))
    >>> delivery_status(False, False, "refused"), delivery_status(False, False, "weather")
    (('delivery_failed', 'refused'), ('delivery_failed', 'other'))
    """
    if delivered:
        return DELIVERED, "by_recipient" if signer_is_recipient else "by_proxy"
    return DELIVERY_FAILED, FAILURE_SUB_STATUS.get(failure_kind, "other")


def is_future(occurred_at: dt.datetime, now: dt.datetime, tolerance_minutes: int) -> bool:
    """An event time later than now plus the tolerance (clock skew) is refused."""
    return occurred_at > now + dt.timedelta(minutes=tolerance_minutes)


def is_stale(last_event_at: dt.datetime, now: dt.datetime, stale_hours: int) -> bool:
    """TRK-02: no event for ``stale_hours`` or more."""
    return last_event_at <= now - dt.timedelta(hours=stale_hours)


def stale_before(now: dt.datetime, stale_hours: int) -> dt.datetime:
    return now - dt.timedelta(hours=stale_hours)


# --- follow-up calls (TRK-04) -------------------------------------------------------------------
def follow_up_due_at(
    created_local: dt.datetime,
    *,
    afternoon_starts: dt.time,
    same_day_due: dt.time,
    next_day_due: dt.time,
) -> dt.datetime:
    """Created in the morning (before ``afternoon_starts``) → the same day at ``same_day_due``;
    in the afternoon → the next day at ``next_day_due``. ``created_local`` is aware, local.

    >>> import zoneinfo
    >>> tz = zoneinfo.ZoneInfo("Asia/Shanghai")
    >>> kw = dict(afternoon_starts=dt.time(12), same_day_due=dt.time(18), next_day_due=dt.time(12))
    >>> follow_up_due_at(dt.datetime(2026, 3, 2, 11, 59, tzinfo=tz), **kw).isoformat()
    '2026-03-02T18:00:00+08:00'
    >>> follow_up_due_at(dt.datetime(2026, 3, 2, 12, 0, tzinfo=tz), **kw).isoformat()
    '2026-03-03T12:00:00+08:00'
    """
    tz = created_local.tzinfo
    day = created_local.date()
    if created_local.time() < afternoon_starts:
        return dt.datetime.combine(day, same_day_due, tzinfo=tz)
    return dt.datetime.combine(day + dt.timedelta(days=1), next_day_due, tzinfo=tz)


def round_robin_next(candidates: list[int], last: int | None) -> int | None:
    """The candidate after ``last`` in order (the first when ``last`` is not among them);
    None when there is nobody (the unassigned queue).

    >>> round_robin_next([3, 5, 9], 5), round_robin_next([3, 5, 9], 9), round_robin_next([], 1)
    (9, 3, None)
    """
    if not candidates:
        return None
    ordered = sorted(candidates)
    if last is None:
        return ordered[0]
    for candidate in ordered:
        if candidate > last:
            return candidate
    return ordered[0]


def revisit_rate(done: int, required: int) -> float | None:
    """TRK-04: done ÷ required (target 1.0); None when nothing was required."""
    return None if required == 0 else done / required


# --- periodic extracts (TRK-07, TRK-09) ---------------------------------------------------------
def is_month_end(day: dt.date) -> bool:
    """TRK-09 runs on the last day of the month (the beat fires on days 28-31).

    >>> is_month_end(dt.date(2026, 2, 28)), is_month_end(dt.date(2028, 2, 28))
    (True, False)
    """
    return (day + dt.timedelta(days=1)).day == 1


def returns_window(today: dt.date, days: int = 7) -> tuple[dt.date, dt.date]:
    """TRK-07: the default period of the returns extract, the last ``days`` days to today.

    >>> returns_window(dt.date(2026, 3, 6))
    (datetime.date(2026, 2, 28), datetime.date(2026, 3, 6))
    """
    return today - dt.timedelta(days=days - 1), today


# --- chasing (TRK-05) ---------------------------------------------------------------------------
def chase_until(created_at: dt.datetime, chase_days: int) -> dt.datetime:
    """A chase runs ``chase_days`` days from its creation."""
    return created_at + dt.timedelta(days=chase_days)


def chase_day_number(created_local: dt.date, today: dt.date) -> int:
    """Day 1 is the day the chase opened."""
    return (today - created_local).days + 1


# --- public lookup masking (GB/T 41833-2022 display rules) --------------------------------------
# One style everywhere (the admin, print views and this lookup): see ``courier.core.masking``.
MASK = masking.MASK
mask_name = masking.mask_name
mask_phone = masking.mask_phone
mask_address = masking.mask_address


def lookup_locked(recent_failures: int, max_failures: int) -> bool:
    """After ``max_failures`` wrong last-4 digits for one waybill within the window the full
    list is refused until the window passes."""
    return recent_failures >= max_failures


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment ``months`` calendar months earlier (the day capped at the month's end).

    >>> months_before(dt.datetime(2026, 8, 31, 10), 6)
    datetime.datetime(2026, 2, 28, 10, 0)
    >>> months_before(dt.datetime(2026, 3, 15), 14)
    datetime.datetime(2025, 1, 15, 0, 0)
    """
    import calendar

    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
