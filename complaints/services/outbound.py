"""What leaves the complaints app: the partner webhook and the notices to staff."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from complaints.models import Complaint

logger = logging.getLogger("complaints")

STATUS_CHANGED = "complaint.status_changed"


def complaint_payload(c: Complaint) -> dict:
    """The partner-facing view of a complaint (webhook body and API share these fields)."""

    def iso(v):
        return v.isoformat() if v else None

    return {
        "id": c.pk,
        "state": c.state,
        "kind": c.kind,
        "category": c.category,
        "severity": c.severity,
        "escalation_level": c.escalation_level,
        "shipment": getattr(c, "shipment_id", None),
        "received_at": iso(c.received_at),
        "respond_by": iso(c.respond_by),
        "resolve_by": iso(c.resolve_by),
        "responded_at": iso(c.responded_at),
        "solution": c.solution if c.solution_sent_at else "",
        "solution_sent_at": iso(c.solution_sent_at),
        "feedback_accepted": c.feedback_accepted,
        "closed_at": iso(c.closed_at),
    }


def status_changed_emit(c: Complaint, *, endpoints=None) -> None:
    """CMP-07: tell the merchant (webhook ``complaint.status_changed``), in the caller's
    transaction so the outbox row commits with the change or not at all. ``endpoints``: the
    partner's active webhook endpoints when the caller loaded them once for many complaints."""
    if c.partner_id is None:
        return
    try:
        from courier.core.services.webhooks import webhook_event_emit
    except ImportError:  # the webhook platform is not installed in this build
        logger.warning("webhooks unavailable; complaint %s status not sent", c.pk)
        return
    webhook_event_emit(c.partner, STATUS_CHANGED, complaint_payload(c), endpoints=endpoints)


def users_in_groups(groups: list[str]):
    User = get_user_model()
    return list(User.objects.filter(groups__name__in=groups, is_active=True).distinct())


def staff_notify(users, subject: str, body: str, *, link: str, dedupe_key: str) -> None:
    from courier.core.services.notifications import notification_send

    notification_send(users, subject, body, link=link, dedupe_key=dedupe_key)


def complaint_link(c: Complaint) -> str:
    return f"/admin/complaints/complaint/{c.pk}/change/"


def local_time(value) -> str:
    """A deadline as staff read it: local time (``TIME_ZONE``, Asia/Shanghai), to the minute,
    no offset or microseconds; ``-`` when there is none."""
    if value is None:
        return "-"
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M")


def notice_language():
    """Staff notices are written in the staff's UI language (``LANGUAGE_CODE``, Simplified
    Chinese), whoever or whatever triggered them (a worker has no request language; a person
    using the English UI escalating to a colleague must not send English). No per-person
    language is stored, so this is the one language every recipient reads."""
    return translation.override(settings.LANGUAGE_CODE)
