"""Satisfaction surveys (CMP-13) and daily service-level figures (CMP-12)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from complaints.models import ComplaintSettings, ServiceLevelDay, Survey

from .common import ComplaintError, now
from .mail import survey_mail_queue_after_commit


def survey_create(complaint) -> Survey:
    """On closing: one survey with an unguessable single-use token (idempotent)."""
    existing = Survey.objects.filter(complaint=complaint).first()
    if existing is not None:
        return existing
    at = now()
    survey = Survey.objects.create(
        complaint=complaint,
        token=secrets.token_urlsafe(32),
        agent=complaint.assigned_agent,
        category=complaint.category,
        created_at=at,
        expires_at=at + dt.timedelta(days=ComplaintSettings.load().survey_valid_days),
    )
    if complaint.customer_email:
        survey_mail_queue_after_commit(survey.pk)  # never raises; the dispatcher retries
    return survey


def survey_answer(token: str, *, score, comment: str = "") -> Survey:
    """The customer answers once; a used or expired link answers nothing."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ComplaintError(_("Choose a score from 1 to 5."))
    if not 1 <= score <= 5:
        raise ComplaintError(_("Choose a score from 1 to 5."))
    with transaction.atomic():
        survey = Survey.objects.select_for_update().filter(token=token).first()
        if survey is None:
            raise ComplaintError(_("This survey link is not valid."))
        if survey.answered_at is not None:
            raise ComplaintError(_("This survey was already answered. Thank you!"))
        if survey.expires_at < now():
            raise ComplaintError(_("This survey link has expired."))
        survey.score, survey.comment, survey.answered_at = score, comment.strip()[:2000], now()
        survey.save(update_fields=["score", "comment", "answered_at"])
    return survey


def service_level_day_record(*, user, day, reason: str = "", **figures) -> ServiceLevelDay:
    """CMP-12: correct one day's measured figures, with the reason (required): the row
    replaces the measurement of that day in every report."""
    reason = (reason or "").strip()
    if not reason:
        raise ComplaintError(
            _("Give the reason why the measured figures of %(day)s are wrong.") % {"day": day},
            code="reason_required",
        )
    values = {}
    for name in ("orders_received", "orders_within_24h", "calls_offered", "calls_answered"):
        raw = figures.get(name)
        if raw is None or raw == "":
            values[name] = None
            continue
        try:
            values[name] = int(raw)
        except (TypeError, ValueError):
            raise ComplaintError(_("%(field)s must be a whole number.") % {"field": name})
        if values[name] < 0:
            raise ComplaintError(_("%(field)s cannot be negative.") % {"field": name})
    # A pair is corrected when either of its figures is given (the other then counts as 0); a
    # pair left empty stays measured.
    for pair in (("orders_received", "orders_within_24h"), ("calls_offered", "calls_answered")):
        if any(values[name] is not None for name in pair):
            for name in pair:
                values[name] = values[name] or 0
    if all(v is None for v in values.values()):
        raise ComplaintError(
            _("Give the corrected orders or calls of %(day)s.") % {"day": day},
            code="figures_required",
        )
    if (values["orders_within_24h"] or 0) > (values["orders_received"] or 0):
        raise ComplaintError(
            _("More orders processed in time than received on %(day)s.") % {"day": day}
        )
    if (values["calls_answered"] or 0) > (values["calls_offered"] or 0):
        raise ComplaintError(_("More calls answered than offered on %(day)s.") % {"day": day})
    with transaction.atomic():
        row = ServiceLevelDay.objects.select_for_update().filter(
            day=day
        ).first() or ServiceLevelDay(day=day)
        for k, v in values.items():
            setattr(row, k, v)
        row.reason = reason
        row.recorded_by = user
        row._history_user = user
        row._change_reason = reason[:100]
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise ComplaintError(_("The figures of %(day)s are inconsistent.") % {"day": day})
    return row
