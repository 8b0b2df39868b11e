"""SMS (TRK-03, TRK-10): an outbox row written in the caller's transaction, sent after commit by
a pluggable backend (``settings.TRACKING_SMS_BACKEND``, a dotted path to a class with
``send(to, body)``; the default logs the message, which is what the demo does).

Queueing goes through ``courier.core.services.outbox.queue_after_commit``: a broker failure after
commit is logged and swallowed (never raised to the client), and the ``tracking-sms-dispatch``
job sends what is still queued (``sms_dispatch_due``)."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from courier.core.services.outbox import queue_after_commit
from tracking.models import SmsMessage, SmsTemplate

logger = logging.getLogger("tracking.sms")

DEFAULT_BACKEND = "tracking.services.sms.LoggingSmsBackend"
# The dispatcher leaves a fresh row to the task its request is queueing, and gives up after the
# window (an SMS days late is worse than none; the row stays queued for the record).
DISPATCH_GRACE = dt.timedelta(minutes=2)
DISPATCH_WINDOW = dt.timedelta(days=1)


class LoggingSmsBackend:
    """Writes each message to the ``tracking.sms`` log instead of sending it."""

    def send(self, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)


def sms_backend():
    return import_string(getattr(settings, "TRACKING_SMS_BACKEND", DEFAULT_BACKEND))()


class _Blank(dict):
    def __missing__(self, key):
        return ""


def sms_queue(to_phone: str, template_code: str, *, shipment=None, **values) -> SmsMessage | None:
    """Queue the template's text for ``to_phone``; None when there is no number or template."""
    template = SmsTemplate.objects.filter(code=template_code).first()
    if not to_phone or template is None:
        return None
    body = template.body.format_map(_Blank(values))
    message = SmsMessage.objects.create(
        to_phone=to_phone, body=body[:500], template=template_code, shipment=shipment
    )
    queue_after_commit(lambda: _queue(message.pk), what=f"SMS {message.pk}")
    return message


def _queue(pk: int) -> None:
    from tracking.tasks import sms_send

    # No publish retries: the dispatcher retries; the request must not hang on a dead broker.
    sms_send.apply_async(args=(pk,), retry=False)


def sms_dispatch_due(*, now=None, limit: int = 200) -> int:
    """Send the SMS still queued past the grace period (their queueing failed, or a worker lost
    the task); each send re-checks the row under its lock, so racing the task sends nothing
    twice. Returns how many were sent."""
    now = now or timezone.now()
    ids = (
        SmsMessage.objects.filter(
            state=SmsMessage.State.QUEUED,
            created_at__lte=now - DISPATCH_GRACE,
            created_at__gte=now - DISPATCH_WINDOW,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(1 for pk in list(ids) if sms_deliver(pk))
    if sent:
        logger.info("SMS dispatcher sent %s", sent)
    return sent


def sms_deliver(pk: int) -> bool:
    """Send one queued message (idempotent: a sent one is not sent again)."""
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=pk, state="queued").first()
        if message is None:
            return False
        try:
            sms_backend().send(message.to_phone, message.body)
        except Exception:
            logger.exception("SMS %s failed", pk)
            message.state = SmsMessage.State.FAILED
            message.save(update_fields=["state"])
            return False
        message.state = SmsMessage.State.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["state", "sent_at"])
        return True
