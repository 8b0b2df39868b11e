"""Verdicts (CMP-06) and the score events they cost a named agent (CMP-10: G5, G16).

The score event is posted through ``staffing.services.scoring`` inside a savepoint: if it fails
(e.g. the month is already settled) the verdict still stands, marked ``pending`` with the error,
and ``score_postings_retry`` (a periodic job) posts it later. Idempotent per (rule, source).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from complaints.models import BadReview, ScorePosting, State, Verdict

from .common import ComplaintError, complaint_lock, now, require_reason

logger = logging.getLogger("complaints")

RULE_VERDICT = "G5"
RULE_BAD_REVIEW = "G16"


def _supervise(user) -> None:
    if user is not None and not user.has_perm("complaints.supervise_complaint"):
        raise ComplaintError(_("Only a supervisor can decide this."))


def _post(obj, rule_code: str, employee, occurred_at, user, reason: str) -> None:
    """Post the score event for ``obj`` or leave it pending with the reason it failed."""
    try:
        from staffing.services.scoring import score_event_record
    except ImportError:
        obj.score_posting, obj.score_error = ScorePosting.PENDING, "scoring not available"
        return
    try:
        with transaction.atomic():
            score_event_record(
                employee=employee,
                rule_code=rule_code,
                source=obj,
                occurred_at=occurred_at,
                user=user,
                reason=reason[:500],
            )
        obj.score_posting, obj.score_error = ScorePosting.POSTED, ""
    except (ValidationError, LookupError) as exc:
        logger.warning("score %s for %s not posted: %s", rule_code, obj, exc)
        obj.score_posting = ScorePosting.PENDING
        obj.score_error = "; ".join(getattr(exc, "messages", [str(exc)]))[:300]


def _reverse(obj, rule_code: str, user, reason: str) -> None:
    if obj.score_posting != ScorePosting.POSTED:
        obj.score_posting = ScorePosting.NONE
        return
    from staffing.services.scoring import score_event_reverse

    with transaction.atomic():
        score_event_reverse(rule_code=rule_code, source=obj, reason=reason, user=user)
    obj.score_posting = ScorePosting.REVERSED


def verdict_record(
    complaint, *, user, substantiated: bool, findings: str, against_employee=None
) -> Verdict:
    """CMP-06/CMP-10: the investigation's verdict; substantiated against a named agent → G5."""
    _supervise(user)
    findings = (findings or "").strip()
    if not findings:
        raise ComplaintError(_("Write down the findings the verdict rests on."))
    if against_employee is not None and not substantiated:
        raise ComplaintError(_("Only a substantiated verdict names an agent."))
    with transaction.atomic():
        c = complaint_lock(complaint)
        if c.state in (State.RECEIVED, State.CANCELLED):
            raise ComplaintError(_("Investigate the complaint before deciding a verdict."))
        if Verdict.objects.filter(complaint=c, overturned_at__isnull=True).exists():
            raise ComplaintError(_("A verdict already stands; overturn it first."))
        v = Verdict(
            complaint=c,
            substantiated=substantiated,
            against_employee=against_employee,
            findings=findings,
            decided_by=user,
            decided_at=now(),
        )
        v._history_user = user
        v.save()
        if substantiated and against_employee is not None:
            _post(v, RULE_VERDICT, against_employee, v.decided_at, user, findings)
            v.save(update_fields=["score_posting", "score_error"])
    return v


def verdict_overturn(verdict: Verdict, *, user, reason: str) -> Verdict:
    """CMP-10: an overturned verdict's score event is reversed (a reversing ledger row)."""
    _supervise(user)
    reason = require_reason(reason)
    with transaction.atomic():
        v = Verdict.objects.select_for_update().get(pk=verdict.pk)
        if v.overturned_at is not None:
            raise ComplaintError(_("This verdict was already overturned."))
        v.overturned_at, v.overturned_by, v.overturn_reason = now(), user, reason
        _reverse(v, RULE_VERDICT, user, reason)
        v._history_user = user
        v._change_reason = reason[:100]
        v.save()
    return v


def bad_review_record(*, user, employee, text: str, reviewed_at=None, complaint=None, survey=None):
    """CMP-10 (G16): a bad review naming an agent costs that agent the G16 points."""
    _supervise(user)
    text = (text or "").strip()
    if not text:
        raise ComplaintError(_("Quote the review."))
    if employee is None:
        raise ComplaintError(_("Name the agent the review names."))
    with transaction.atomic():
        review = BadReview(
            complaint=complaint or (survey.complaint if survey else None),
            survey=survey,
            employee=employee,
            text=text,
            reviewed_at=reviewed_at or now(),
            recorded_by=user,
        )
        review._history_user = user
        review.save()
        _post(review, RULE_BAD_REVIEW, employee, review.reviewed_at, user, text)
        review.save(update_fields=["score_posting", "score_error"])
    return review


def bad_review_withdraw(review: BadReview, *, user, reason: str) -> BadReview:
    _supervise(user)
    reason = require_reason(reason)
    with transaction.atomic():
        r = BadReview.objects.select_for_update().get(pk=review.pk)
        if r.withdrawn_at is not None:
            raise ComplaintError(_("This review was already withdrawn."))
        r.withdrawn_at, r.withdraw_reason = now(), reason
        _reverse(r, RULE_BAD_REVIEW, user, reason)
        r._history_user = user
        r.save()
    return r


def score_postings_retry() -> int:
    """Post the score events left pending (scoring was unavailable or the month frozen)."""
    posted = 0
    for model, rule, who, when in (
        (Verdict, RULE_VERDICT, "against_employee", "decided_at"),
        (BadReview, RULE_BAD_REVIEW, "employee", "reviewed_at"),
    ):
        ids = list(
            model.objects.filter(score_posting=ScorePosting.PENDING).values_list("pk", flat=True)
        )
        for pk in ids:
            with transaction.atomic():
                obj = model.objects.select_for_update().get(pk=pk)
                standing = getattr(obj, "overturned_at", None) or getattr(obj, "withdrawn_at", None)
                if obj.score_posting != ScorePosting.PENDING or standing:
                    continue
                user = getattr(obj, "decided_by", None) or getattr(obj, "recorded_by", None)
                _post(obj, rule, getattr(obj, who), getattr(obj, when), user, "posted later")
                obj._history_user = None
                obj.save(update_fields=["score_posting", "score_error"])
                posted += obj.score_posting == ScorePosting.POSTED
    return posted
