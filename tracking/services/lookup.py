"""The public lookup (item 10): the waybill alone shows the status and a coarse route, masked;
the waybill plus the recipient's phone's last 4 digits shows the full event list. Rate-limited
per client address; a waybill locks after repeated wrong digits; every lookup is a contact.

What a lookup costs (``tests/tracking/test_lookup_cost.py`` holds the counts): the shipment with
its order and the policy's three lookup limits in one query, the rate limit in one Redis round
trip (``throttle_cache``: ``MULTI``/``EXEC``, a per-process fallback while Redis is down), the
events in one query, the contact in one ``INSERT``; with the last 4 digits one more query (the
waybill's recent wrong digits). An unknown waybill: the shipment query, the policy, the INSERT.

The contact is written synchronously, in its own single ``INSERT`` (autocommit): a lookup is
never answered without its record. Deferring it (a Redis list drained by a task) would save
little more than that one round trip and could lose records between the answer and the drain;
a lookup contact is created closed and no agent edits it, so it has no history row (the
creation is the record; an agent's later change is tracked as for any contact)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core import masking
from courier.core.api.throttling import throttle_cache
from courier.core.errors import NotFound, StateConflict
from tracking import rules, selectors
from tracking.models import ContactChannel, ContactKind, ContactLog, TrackingStatus

THROTTLE_SECONDS = 60


class LookupThrottled(StateConflict):
    """Too many lookups from one client address (answered 429)."""

    http_status = 429
    default_code = "throttled"


def _throttle(client_address: str, per_minute: int) -> None:
    """A fixed one-minute window per client address (one Redis round trip)."""
    count, _left = throttle_cache.hit(f"trk-lookup:{client_address}", THROTTLE_SECONDS)
    if count > per_minute:
        raise LookupThrottled(_("Too many lookups; try again in a minute."))


def _log(waybill, shipment, result, client_address, now, channel) -> None:
    """The lookup's contact: one INSERT in autocommit (no BEGIN/COMMIT around it, as
    ``bulk_create`` would add) and no history row (see the module's docstring)."""
    contact = ContactLog(
        channel=channel,
        kind=ContactKind.QUERY,
        waybill_number=waybill[:32],
        shipment=shipment,
        lookup=result,
        client_address=client_address or None,
        received_at=now,
        summary=_("Public lookup"),
        state=ContactLog.State.CLOSED,  # answered by itself: no agent needed
    )
    contact.skip_history_when_saving = True  # simple-history's own switch
    contact.save(force_insert=True)


def _label(status: str) -> str:
    return str(TrackingStatus(status).label) if status in TrackingStatus.values else status


def track_lookup(
    waybill: str,
    *,
    phone_last4: str | None = None,
    client_address: str = "",
    channel: str = ContactChannel.WEB,
    now: dt.datetime | None = None,
) -> dict:
    """What the public may see of ``waybill``. Never photos, signatures or full personal data."""
    now = now or timezone.now()
    waybill = (waybill or "").strip()
    shipment = selectors.lookup_shipment(waybill) if waybill else None
    limits = shipment.lookup_limits if shipment is not None else selectors.lookup_limits()
    _throttle(client_address or "-", limits.per_minute)
    if shipment is None:
        _log(waybill, None, ContactLog.Lookup.UNKNOWN, client_address, now, channel)
        raise NotFound(_("No shipment has this waybill number."))
    order = shipment.order
    events = list(selectors.events_of_shipment(shipment))
    answer = {
        "waybill_number": shipment.waybill_number,
        "state": shipment.state,
        "state_label": str(shipment.get_state_display()),
        "recipient_name": masking.mask_name(order.recipient_name),
        "recipient_phone": masking.mask_phone(order.recipient_phone),
        "destination": masking.mask_address(
            order.recipient_province, order.recipient_city, order.recipient_district
        ),
        "route": _coarse_route(events),
        "events": None,
        "locked": False,
        "phone_checked": False,
    }
    result = ContactLog.Lookup.SUMMARY
    if phone_last4:
        since = now - dt.timedelta(minutes=limits.lock_minutes)
        failures = selectors.lookup_failures(waybill, since)
        locked = rules.lookup_locked(failures, limits.max_failures)
        if locked:
            result = ContactLog.Lookup.LOCKED
            answer["locked"] = True
        elif phone_last4 == order.recipient_phone_last4:
            result = ContactLog.Lookup.FULL
            answer["phone_checked"] = True
            answer["events"] = [
                {
                    "seq": e.seq,
                    "status": e.status,
                    "status_label": _label(e.status),
                    "sub_status": e.sub_status,
                    "occurred_at": e.occurred_at,
                    "location": e.location,
                    "description": e.description,
                }
                for e in events
            ]
        else:
            result = ContactLog.Lookup.WRONG_DIGITS
            answer["locked"] = rules.lookup_locked(failures + 1, limits.max_failures)
    _log(waybill, shipment, result, client_address, now, channel)
    return answer


def _coarse_route(events) -> list[dict]:
    """Each change of status with the day and place: no descriptions (they may name people)."""
    route, last = [], None
    for e in sorted(events, key=lambda ev: (ev.occurred_at, ev.seq)):
        if e.status == last:
            continue
        last = e.status
        route.append(
            {
                "status": e.status,
                "status_label": _label(e.status),
                "date": timezone.localtime(e.occurred_at).date(),
                "location": e.location,
            }
        )
    return route
