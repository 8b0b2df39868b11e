"""Webhooks to partners: the outbox, signed delivery, retries, disabling, re-send, rotation.

Domain services call ``webhook_event_emit(partner, "shipment.status_changed", {...})`` INSIDE
their ``transaction.atomic()`` block: the event and its deliveries are written in that
transaction (rolled back with it) and sending is queued after commit
(``courier.core.services.outbox.queue_after_commit``); a broker failure then is logged, never
raised, and the per-minute sweep sends the pending rows.

The guarantee is at least once: a delivery whose sender died mid-POST is logged as an interrupted
attempt and sent again, so receivers de-duplicate on ``webhook-id`` (the event's id, the same on
every attempt and re-send).

Delivery (``webhook_delivery_attempt``, run by the Celery task ``webhooks.deliver`` and by the
per-minute sweep for retries): POST of ``{"type", "timestamp", "data"}`` signed in the Standard
Webhooks format (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``; HMAC-SHA256 by the
``standardwebhooks`` package), 10 s timeout, no redirects followed. A non-2xx answer or a network
error is retried after 1, 2, 4, ... minutes (``WEBHOOK_RETRY_BASE_SECONDS``) up to
``WEBHOOK_MAX_ATTEMPTS`` tries (about 3 days). An endpoint that has failed without a success for
``WEBHOOK_DISABLE_AFTER_HOURS`` is disabled and managers and supervisors are notified.
"""

import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from courier.core.errors import InvalidInput, StateConflict
from courier.core.models import (
    WEBHOOK_EVENT_TYPES,
    Partner,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from courier.core.models.webhooks import WEBHOOK_TEST_EVENT, webhook_secret_new
from courier.core.services.outbox import queue_after_commit, tasks_delay_safely

logger = logging.getLogger("courier.webhooks")

ALERT_GROUPS = ("manager", "supervisor")


class WebhookTargetRefused(Exception):
    """The URL points at an address deliveries may not go to."""


# --- pure rules ------------------------------------------------------------------------------


def webhook_retry_delay(attempts_made: int, base_seconds: int) -> timedelta:
    """Wait before the next try after ``attempts_made`` failed tries: base * 2**(n-1)."""
    return timedelta(seconds=base_seconds * 2 ** max(0, attempts_made - 1))


def webhook_signature_headers(endpoint: WebhookEndpoint, msg_id: str, sent_at, body: str, now=None):
    """Standard Webhooks headers; during a rotation grace period both secrets sign."""
    now = now or timezone.now()
    sent_at_utc = sent_at.astimezone(UTC)
    signatures = [Webhook(endpoint.secret).sign(msg_id, sent_at_utc, body)]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at
        and endpoint.previous_secret_expires_at > now
    ):
        signatures.append(Webhook(endpoint.previous_secret).sign(msg_id, sent_at_utc, body))
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(sent_at_utc.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def webhook_body(event: WebhookEvent) -> str:
    return json.dumps(
        {
            "type": event.event_type,
            "timestamp": event.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "data": event.payload,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


# --- the outbox --------------------------------------------------------------------------------


def webhook_endpoints_active(partner_ids) -> dict[int, list[WebhookEndpoint]]:
    """The active endpoints of each partner, in one query: for a caller that emits many events
    in one unit of work (the SLA sweep) and passes each partner's list to ``webhook_event_emit``."""
    found: dict[int, list[WebhookEndpoint]] = {pk: [] for pk in partner_ids}
    for endpoint in WebhookEndpoint.objects.filter(partner_id__in=found, is_active=True):
        found[endpoint.partner_id].append(endpoint)
    return found


def webhook_event_emit(
    partner: Partner, event_type: str, payload: dict, *, endpoints=None
) -> WebhookEvent:
    """Record an event for ``partner`` in the CURRENT transaction and queue its delivery to every
    active endpoint subscribed to ``event_type`` after commit. ``payload`` must be JSON-able
    (dates, decimals and UUIDs are converted). Unknown event types raise ``ValueError``.
    ``endpoints``: the partner's active endpoints when the caller already loaded them
    (``webhook_endpoints_active``); otherwise they are read here."""
    if event_type not in WEBHOOK_EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    now = timezone.now()
    if endpoints is None:
        endpoints = WebhookEndpoint.objects.filter(partner=partner, is_active=True)
    # No savepoint: a failure here fails the caller's unit of work as a whole, which is what
    # every caller wants (the event commits with the change or not at all).
    with transaction.atomic(savepoint=False):
        event = WebhookEvent.objects.create(
            partner=partner, event_type=event_type, payload=payload, created_at=now
        )
        deliveries = [
            WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now, created_at=now)
            for endpoint in endpoints
            if endpoint.subscribes_to(event_type)
        ]
        WebhookDelivery.objects.bulk_create(deliveries)
        ids = [d.pk for d in deliveries if d.pk]
        if len(ids) != len(deliveries):  # backends without RETURNING ids
            ids = list(event.deliveries.values_list("pk", flat=True))
        if ids:
            queue_after_commit(lambda: _queue(ids), what=f"webhook deliveries {ids}")
    return event


def webhook_events_emit(items, *, endpoints: dict) -> list[WebhookEvent]:
    """``webhook_event_emit`` for many events at once (``(partner, event_type, payload)`` each)
    in the CURRENT transaction: one ``INSERT`` of the events and one of their deliveries,
    whatever their number. ``endpoints``: ``webhook_endpoints_active`` of their partners."""
    now = timezone.now()
    events = []
    for partner, event_type, payload in items:
        if event_type not in WEBHOOK_EVENT_TYPES:
            raise ValueError(f"unknown webhook event type {event_type!r}")
        events.append(
            WebhookEvent(
                partner=partner,
                event_type=event_type,
                payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
                created_at=now,
            )
        )
    if not events:
        return []
    with transaction.atomic(savepoint=False):
        WebhookEvent.objects.bulk_create(events)
        deliveries = [
            WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now, created_at=now)
            for event in events
            for endpoint in endpoints.get(event.partner_id, [])
            if endpoint.subscribes_to(event.event_type)
        ]
        WebhookDelivery.objects.bulk_create(deliveries)
        ids = [d.pk for d in deliveries if d.pk]
        if len(ids) != len(deliveries):  # backends without RETURNING ids
            ids = list(
                WebhookDelivery.objects.filter(event__in=events).values_list("pk", flat=True)
            )
        if ids:
            queue_after_commit(lambda: _queue(ids), what=f"webhook deliveries {ids}")
    return events


def _queue(ids: list[int]) -> int:
    """Queue each delivery; a broker failure is logged, never raised: the rows stay pending and
    the per-minute sweep (``webhook_deliveries_dispatch_due``) sends them."""
    from courier.core.tasks import webhook_deliver

    return tasks_delay_safely(webhook_deliver, ids, what="webhook delivery")


# --- sending -------------------------------------------------------------------------------


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def webhook_target_resolve(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, address)`` to connect to; refuses loopback and private addresses
    unless ``WEBHOOK_ALLOW_PRIVATE_TARGETS``. The address is pinned for the connection."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookTargetRefused(f"not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise WebhookTargetRefused(f"cannot resolve {parts.hostname}: {exc}")
    addresses = [info[4][0] for info in infos]
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        refused = [a for a in addresses if not _address_allowed(a)]
        if refused:
            raise WebhookTargetRefused(f"{parts.hostname} resolves to a private address")
    return parts.scheme, parts.hostname, port, addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def _http_post(url: str, body: str, headers: dict, timeout: float) -> tuple[int, str]:
    scheme, host, port, address = webhook_target_resolve(url)
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if scheme == "https":
        conn = _PinnedHTTPSConnection(
            host, address, port=port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = _PinnedHTTPConnection(host, address, port=port, timeout=timeout)
    try:
        conn.request(
            "POST",
            target,
            body=body.encode(),
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": "courier-webhooks/1",
            },
        )
        response = conn.getresponse()
        excerpt = response.read(500).decode("utf-8", "replace")
        return response.status, excerpt
    finally:
        conn.close()


def webhook_delivery_attempt(delivery_id: int) -> str:
    """Try one due delivery (idempotent: a delivery that is not due or not pending is skipped).
    Returns the delivery's state afterwards."""
    now = timezone.now()
    lease = timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("event", "endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.state != WebhookDelivery.PENDING:
            return delivery.state if delivery else "missing"
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return delivery.state
        _interrupted_attempts_log(delivery, now)
        if not delivery.endpoint.is_active:
            return _delivery_fail(delivery, now, _("Endpoint is disabled."))
        # Lease the delivery so a concurrent sweep does not send it twice while we wait.
        delivery.attempts += 1
        delivery.next_attempt_at = now + lease
        delivery.last_attempt_at = now
        delivery.save(update_fields=["attempts", "next_attempt_at", "last_attempt_at"])
    endpoint, event = delivery.endpoint, delivery.event
    body = webhook_body(event)
    headers = webhook_signature_headers(endpoint, event.msg_id, now, body, now=now)
    started = time.monotonic()
    status_code, excerpt, error = None, "", ""
    try:
        status_code, excerpt = _http_post(
            endpoint.url, body, headers, settings.WEBHOOK_TIMEOUT_SECONDS
        )
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except WebhookTargetRefused as exc:
        error = f"refused: {exc}"
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
    duration = int((time.monotonic() - started) * 1000)
    return _delivery_record(delivery.pk, status_code, error, excerpt, duration)


INTERRUPTED = "interrupted: no result was recorded (the sender stopped); it may have arrived"


def _interrupted_attempts_log(delivery: WebhookDelivery, now) -> int:
    """Every attempt is in the log: an attempt whose sender died (a worker killed while the POST
    was in flight) counted in ``attempts`` but never wrote its row. Its lease has expired by the
    time the delivery is due again, so log it now, before the next try. Returns how many."""
    logged = set(delivery.attempt_log.values_list("number", flat=True))
    missing = [n for n in range(1, delivery.attempts + 1) if n not in logged]
    WebhookAttempt.objects.bulk_create(
        WebhookAttempt(
            delivery=delivery,
            number=n,
            attempted_at=(delivery.last_attempt_at if n == delivery.attempts else None) or now,
            error=INTERRUPTED,
        )
        for n in missing
    )
    if missing:
        logger.warning(
            "webhook delivery %s: attempt(s) %s ended without a result; retrying (at least once)",
            delivery.pk,
            missing,
        )
    return len(missing)


def _delivery_record(delivery_id, status_code, error, excerpt, duration) -> str:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .get(pk=delivery_id)
        )
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            attempted_at=delivery.last_attempt_at or now,
            status_code=status_code,
            error=error[:500],
            duration_ms=duration,
            response_excerpt=excerpt[:500],
        )
        delivery.last_status_code = status_code
        delivery.last_error = error[:500]
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if not error:
            delivery.state = WebhookDelivery.SUCCEEDED
            delivery.next_attempt_at = None
            delivery.save(
                update_fields=["state", "next_attempt_at", "last_status_code", "last_error"]
            )
            if endpoint.failing_since:
                endpoint.failing_since = None
                endpoint.save(update_fields=["failing_since"])
            return delivery.state
        if endpoint.failing_since is None:
            endpoint.failing_since = now
            endpoint.save(update_fields=["failing_since"])
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.state = WebhookDelivery.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + webhook_retry_delay(
                delivery.attempts, settings.WEBHOOK_RETRY_BASE_SECONDS
            )
        delivery.save(update_fields=["state", "next_attempt_at", "last_status_code", "last_error"])
        if endpoint.is_active and now - endpoint.failing_since >= timedelta(
            hours=settings.WEBHOOK_DISABLE_AFTER_HOURS
        ):
            webhook_endpoint_disable(
                endpoint,
                reason=_("Failing since %(since)s without a successful delivery.")
                % {"since": timezone.localtime(endpoint.failing_since).strftime("%Y-%m-%d %H:%M")},
            )
        return delivery.state


def _delivery_fail(delivery, now, reason) -> str:
    delivery.state = WebhookDelivery.FAILED
    delivery.next_attempt_at = None
    delivery.last_error = str(reason)[:500]
    delivery.save(update_fields=["state", "next_attempt_at", "last_error"])
    return delivery.state


def webhook_endpoint_disable(
    endpoint: WebhookEndpoint, *, reason: str, user=None, alert: bool = True
) -> None:
    """Disable an endpoint, fail its pending deliveries and (``alert``) notify managers and
    supervisors; a partner switching its own endpoint off passes ``alert=False``."""
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not endpoint.is_active:
            return
        endpoint.is_active = False
        endpoint.disabled_at = now
        endpoint.disabled_reason = reason[:300]
        endpoint._history_user = user
        endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
        for delivery in WebhookDelivery.objects.select_for_update().filter(
            endpoint=endpoint, state=WebhookDelivery.PENDING
        ):
            _delivery_fail(delivery, now, _("Endpoint is disabled."))
        if not alert:
            return
        from courier.core.services.notifications import notification_send

        recipients = (
            get_user_model()
            .objects.filter(groups__name__in=ALERT_GROUPS, is_active=True)
            .distinct()
        )
        notification_send(
            recipients,
            _("Webhook endpoint disabled: %(partner)s %(url)s")
            % {"partner": endpoint.partner.code, "url": endpoint.url},
            reason,
            link=f"/admin/courier/webhookendpoint/{endpoint.pk}/change/",
            dedupe_key=f"webhook-endpoint:{endpoint.pk}:disabled:{int(now.timestamp())}",
        )
    logger.warning("webhook endpoint %s disabled: %s", endpoint.pk, reason)


def webhook_endpoint_enable(endpoint: WebhookEndpoint, *, user=None) -> WebhookEndpoint:
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.is_active = True
        endpoint.failing_since = None
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
        endpoint._history_user = user
        endpoint.save(
            update_fields=["is_active", "failing_since", "disabled_at", "disabled_reason"]
        )
    return endpoint


def webhook_endpoint_rotate_secret(endpoint: WebhookEndpoint, *, user=None) -> WebhookEndpoint:
    """A new secret; the old one keeps signing (a second signature) for the grace period."""
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = now + timedelta(
            hours=settings.WEBHOOK_SECRET_GRACE_HOURS
        )
        endpoint.secret = webhook_secret_new()
        endpoint._history_user = user
        endpoint.save(update_fields=["previous_secret", "previous_secret_expires_at", "secret"])
    return endpoint


def webhook_delivery_resend(delivery: WebhookDelivery, *, user=None) -> WebhookDelivery:
    """A new delivery of the same event (same ``webhook-id``) to the same endpoint, sent now.
    Refused (409 ``endpoint_disabled``) while the endpoint is disabled."""
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if not endpoint.is_active:
            raise StateConflict(
                _("The endpoint is disabled; enable it before asking for a re-send."),
                code="endpoint_disabled",
            )
        copy = WebhookDelivery.objects.create(
            event_id=delivery.event_id,
            endpoint_id=delivery.endpoint_id,
            resend_of=delivery,
            next_attempt_at=now,
            created_at=now,
        )
        queue_after_commit(lambda: _queue([copy.pk]), what=f"webhook delivery {copy.pk}")
    return copy


def webhook_deliveries_dispatch_due(limit: int = 200) -> int:
    """The per-minute sweep: queue every pending delivery whose time has come."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                state=WebhookDelivery.PENDING,
                next_attempt_at__lte=now,
                endpoint__is_active=True,
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
    _queue(ids)
    return len(ids)


# --- endpoints managed by the partner (the API) and by staff --------------------------------

_LOCAL_HOST_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain")


def webhook_url_check(url: str) -> str:
    """The URL an endpoint may be registered with, or ``InvalidInput`` on ``url``: ``https``
    (unless ``WEBHOOK_REQUIRE_HTTPS`` is off), a host name, no user:password, and no loopback,
    private, link-local or reserved address (unless ``WEBHOOK_ALLOW_PRIVATE_TARGETS``). A host name
    is checked again at every delivery, when it is resolved (``webhook_target_resolve``)."""

    def refuse(message):
        raise InvalidInput({"url": [message]})

    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        refuse(_("Enter a valid URL."))
    allowed_schemes = ("https",) if settings.WEBHOOK_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in allowed_schemes:
        refuse(_("The URL must start with https://."))
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        refuse(_("Enter a valid URL."))
    if parts.username or parts.password:
        refuse(_("The URL must not contain a user name or password."))
    if len(url) > WebhookEndpoint._meta.get_field("url").max_length:
        refuse(_("The URL is too long."))
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return url
    if host == "localhost" or host.endswith(_LOCAL_HOST_SUFFIXES) or "." not in host:
        refuse(_("Deliveries to local or private addresses are not allowed."))
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return url  # a name: resolved and checked at every delivery
    if not _address_allowed(host.strip("[]")):
        refuse(_("Deliveries to local or private addresses are not allowed."))
    return url


def webhook_event_types_check(event_types) -> list[str]:
    """A list of known event types (empty: every type), or ``InvalidInput`` on ``event_types``."""
    if event_types is None:
        return []
    if not isinstance(event_types, list | tuple) or not all(
        isinstance(t, str) for t in event_types
    ):
        raise InvalidInput({"event_types": [_("Give a list of event types.")]})
    unknown = sorted(set(event_types) - set(WEBHOOK_EVENT_TYPES))
    if unknown:
        raise InvalidInput(
            {"event_types": [_("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)}]}
        )
    return sorted(set(event_types))


def webhook_endpoint_create(
    partner: Partner, *, url: str, event_types=None, description: str = "", user=None
) -> WebhookEndpoint:
    """A new active endpoint with a new secret (show ``endpoint.secret`` to the partner once)."""
    url = webhook_url_check(url)
    event_types = webhook_event_types_check(event_types)
    with transaction.atomic():
        endpoint = WebhookEndpoint(
            partner=partner, url=url, event_types=event_types, description=description[:200]
        )
        endpoint._history_user = user
        endpoint.save()
    return endpoint


def webhook_endpoint_update(
    endpoint: WebhookEndpoint, *, user=None, url=None, event_types=None, description=None
) -> WebhookEndpoint:
    """Change the URL, the event types or the description (``None``: unchanged)."""
    url = webhook_url_check(url) if url is not None else None
    event_types = webhook_event_types_check(event_types) if event_types is not None else None
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        fields = []
        for name, value in (
            ("url", url),
            ("event_types", event_types),
            ("description", None if description is None else description[:200]),
        ):
            if value is not None and getattr(endpoint, name) != value:
                setattr(endpoint, name, value)
                fields.append(name)
        if fields:
            endpoint._history_user = user
            endpoint.save(update_fields=fields)
    return endpoint


def webhook_endpoint_ping(endpoint: WebhookEndpoint, *, user=None) -> WebhookDelivery:
    """A ``webhook.test`` event delivered to this endpoint only (signed like every delivery)."""
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not endpoint.is_active:
            raise StateConflict(
                _("The endpoint is disabled; enable it before sending a test."),
                code="endpoint_disabled",
            )
        event = WebhookEvent.objects.create(
            partner_id=endpoint.partner_id,
            event_type=WEBHOOK_TEST_EVENT,
            payload={"endpoint_id": endpoint.pk, "message": "test"},
            created_at=now,
        )
        delivery = WebhookDelivery.objects.create(
            event=event, endpoint=endpoint, next_attempt_at=now, created_at=now
        )
        queue_after_commit(lambda: _queue([delivery.pk]), what=f"webhook delivery {delivery.pk}")
    return delivery
