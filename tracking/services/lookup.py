"""The public lookup (item 10): the waybill alone shows the status and a coarse route, masked;
the waybill plus the recipient's phone's last 4 digits shows the full event list. Rate-limited
per client address; a waybill locks after repeated wrong digits; every lookup is a contact."""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core import masking
from courier.core.errors import NotFound, StateConflict
from tracking import rules, selectors
from tracking.models import ContactChannel, ContactKind, ContactLog, TrackingStatus
from tracking.services.common import policy


class LookupThrottled(StateConflict):
    """Too many lookups from one client address (answered 429)."""

    http_status = 429
    default_code = "throttled"


def _throttle(client_address: str, per_minute: int, now: dt.datetime) -> None:
    key = f"trk-lookup:{client_address}:{now:%Y%m%d%H%M}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    if count > per_minute:
        raise LookupThrottled(_("Too many lookups; try again in a minute."))


def _log(waybill, shipment, result, client_address, now, channel) -> None:
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
    contact.save()


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
    rules_row = policy()
    _throttle(client_address or "-", rules_row.lookup_per_minute, now)
    waybill = (waybill or "").strip()
    shipment = selectors.lookup_shipment(waybill) if waybill else None
    if shipment is None:
        _log(waybill, None, ContactLog.Lookup.UNKNOWN, client_address, now, channel)
        raise NotFound(_("No shipment has this waybill number."))
    since = now - dt.timedelta(minutes=rules_row.lookup_lock_minutes)
    failures = selectors.lookup_failures(waybill, since)
    locked = rules.lookup_locked(failures, rules_row.lookup_max_failures)
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
            answer["locked"] = rules.lookup_locked(failures + 1, rules_row.lookup_max_failures)
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
