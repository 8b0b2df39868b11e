"""``Idempotency-Key`` on every POST (applied by ``courier.core.api.base`` to every partner view).

Contract: a key of 1-255 characters, kept per (partner, key) for ``IDEMPOTENCY_TTL_HOURS``
(at least 24). The first request runs and its status and body (any status below 500) are stored;
a replay with the same method, path and body gets them back with ``Idempotent-Replayed: true``;
the same key with a different request gets 422 ``idempotency_key_reused``; a replay while the
first is still running gets 409 ``idempotency_request_in_flight``. A 5xx is not stored, so the
client may retry. An in-flight record older than ``IDEMPOTENCY_LOCK_SECONDS`` (a crashed worker) is
taken over by the next replay.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from courier.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Response headers replayed with the stored body.
REPLAYED_HEADERS = ("Location",)


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used with a different request.")
    default_code = "idempotency_key_reused"


class IdempotencyInFlight(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A request with this Idempotency-Key is still being processed.")
    default_code = "idempotency_request_in_flight"


class InvalidIdempotencyKey(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Idempotency-Key must be 1 to 255 printable ASCII characters.")
    default_code = "invalid_idempotency_key"


class Replay(Exception):  # noqa: N818 - control flow, not an error
    """Raised in ``initial()`` to answer with a stored response; ``handle_exception`` returns it."""

    def __init__(self, response):
        self.response = response


def idempotency_key_from(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not (1 <= len(key) <= MAX_KEY_LENGTH) or not all(32 <= ord(c) < 127 for c in key):
        raise InvalidIdempotencyKey()
    return key


def request_fingerprint(request) -> str:
    """Hash of method, path, query and body; JSON bodies are compared by content, not layout."""
    raw = request._request.body
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        body = raw  # not JSON, or too deep to normalise (the parser refuses it with a 400)
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), body):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def idempotency_begin(partner, key: str, fingerprint: str, method: str, path: str):
    """Claim the key or find its earlier use. Returns ``(record, None)`` when this request should
    run (the record is now in flight) or ``(None, response)`` for a replay; raises 422 / 409."""
    now = timezone.now()
    ttl = timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    lock_timeout = timedelta(seconds=settings.IDEMPOTENCY_LOCK_SECONDS)
    fresh = {
        "fingerprint": fingerprint,
        "method": method,
        "path": path[:500],
        "state": IdempotencyRecord.IN_FLIGHT,
        "response_status": None,
        "response_body": "",
        "response_headers": {},
        "created_at": now,
        "locked_at": now,
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(partner=partner, key=key, **fresh), None
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.select_for_update().get(partner=partner, key=key)
        if record.created_at < now - ttl:
            for name, value in fresh.items():
                setattr(record, name, value)
            record.save(update_fields=list(fresh))
            return record, None
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if record.state == IdempotencyRecord.IN_FLIGHT:
            if record.locked_at >= now - lock_timeout:
                raise IdempotencyInFlight()
            record.locked_at = now
            record.save(update_fields=["locked_at"])
            return record, None
    headers = {**record.response_headers, "Idempotent-Replayed": "true"}
    body = json.loads(record.response_body) if record.response_body else None
    return None, Response(body, status=record.response_status, headers=headers)


def idempotency_finish(record: IdempotencyRecord, response) -> None:
    """Store the response of the request that owned the key (or free the key after a 5xx)."""
    if response.status_code >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyRecord.IN_FLIGHT).delete()
        return
    data = getattr(response, "data", None)
    record.state = IdempotencyRecord.DONE
    record.response_status = response.status_code
    record.response_body = "" if data is None else json.dumps(data, cls=JSONEncoder)
    record.response_headers = {h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)}
    record.save(update_fields=["state", "response_status", "response_body", "response_headers"])


def idempotency_release(record: IdempotencyRecord) -> None:
    """Free a key whose request wrote nothing (its transaction rolled back), so a retry runs."""
    IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyRecord.IN_FLIGHT).delete()


def idempotency_records_purge() -> int:
    """Delete records older than the TTL (run hourly)."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
