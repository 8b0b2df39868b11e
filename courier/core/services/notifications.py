"""Notices to people: an admin notice row per recipient, and an email after commit.

The notice row is the outbox of its e-mail: ``emailed_at`` empty means the e-mail is still owed.
Sending is queued after commit; when the broker cannot take the task the failure is logged and
the ``notifications-email-dispatch`` job (every minute) sends what is still owed, for notices up
to ``NOTIFICATION_EMAIL_RETRY_HOURS`` old. A notice created with ``email=False`` owes no e-mail,
so its ``emailed_at`` is set at once ("nothing left to e-mail"), as for a recipient without an
address.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from courier.core.models import Notification
from courier.core.services.outbox import queue_after_commit, task_delay_safely

logger = logging.getLogger("courier.notifications")

# A notice this young is still being queued by its own request; the dispatcher leaves it alone.
DISPATCH_GRACE = timedelta(minutes=2)


def users_in_role(role: str):
    """The active logins of a role (its group): who a notice "to the supervisor" reaches."""
    return get_user_model().objects.filter(groups__name=role, is_active=True)


def notification_send(
    recipients: Iterable,
    subject: str,
    body: str = "",
    *,
    link: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient (users) once per ``dedupe_key``; returns the notices created now."""
    created = []
    # No savepoint: inside a caller's transaction a failure fails that unit of work as a whole.
    with transaction.atomic(savepoint=False):
        for user in {u.pk: u for u in recipients if u is not None}.values():
            if (
                dedupe_key
                and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists()
            ):
                continue
            created.append(
                Notification.objects.create(
                    recipient=user,
                    subject=subject[:200],
                    body=body,
                    link=link,
                    dedupe_key=dedupe_key,
                    emailed_at=None if email else timezone.now(),
                )
            )
        if email and created:
            ids = [n.pk for n in created]
            queue_after_commit(lambda: _notifications_email(ids), what=f"notification mail {ids}")
    return created


def _notifications_email(ids: list[int]) -> bool:
    from courier.core.tasks import notifications_email

    return task_delay_safely(notifications_email, ids, what=f"notification mail {ids}")


def notifications_email_send(ids: list[int]) -> int:
    """Email the notices not yet emailed; idempotent, so a duplicate task delivery (or the
    dispatcher racing the task) sends nothing twice: each notice is locked while it is sent."""
    sent = 0
    for pk in ids:
        with transaction.atomic():
            notice = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notice is None:
                continue
            if notice.recipient.email:
                send_mail(
                    notice.subject,
                    f"{notice.body}\n\n{notice.link}".strip(),
                    settings.DEFAULT_FROM_EMAIL,
                    [notice.recipient.email],
                )
            notice.emailed_at = timezone.now()
            notice.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def notifications_email_dispatch_due(limit: int = 200, now=None) -> int:
    """The dispatcher: e-mail every notice still owed its e-mail (its queueing failed, or the
    worker lost it), oldest first, at most ``limit`` per run. Returns how many were e-mailed."""
    now = now or timezone.now()
    window = timedelta(hours=settings.NOTIFICATION_EMAIL_RETRY_HOURS)
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now - DISPATCH_GRACE,
            created_at__gte=now - window,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    sent = notifications_email_send(ids)
    logger.info("notification mail dispatcher: %s of %s owed e-mails sent", sent, len(ids))
    return sent
