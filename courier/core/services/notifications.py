"""Notices to people: an admin notice row per recipient, and an email after commit."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from courier.core.models import Notification


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
    with transaction.atomic():
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
                )
            )
        if email and created:
            ids = [n.pk for n in created]
            transaction.on_commit(lambda: _notifications_email(ids))
    return created


def _notifications_email(ids: list[int]) -> None:
    from courier.core.tasks import notifications_email

    notifications_email.delay(ids)


def notifications_email_send(ids: list[int]) -> int:
    """Email the notices not yet emailed; idempotent, so a duplicate task delivery sends nothing."""
    sent = 0
    for notice in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related(
        "recipient"
    ):
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
