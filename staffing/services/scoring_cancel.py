"""SCR-09 / A6 / A9: cancel a recorded deduction by one of its rule's documented conditions.

A caller (the shop-platform case queue, a supervisor) names the condition that happened; the
reversal's reason is the condition's text, so the ledger says why the points came back. A
condition that is not an active one of the event's rule is refused.
"""

from django.utils.translation import gettext as _

from staffing.models import ScoreCancelCondition, ScoreEvent
from staffing.services.scoring import ScoringError, score_event_cancel, score_event_reverse


def cancel_condition_get(rule_code: str, condition_code: str) -> ScoreCancelCondition:
    condition = (
        ScoreCancelCondition.objects.select_related("rule")
        .filter(rule__code=rule_code, code=condition_code, is_active=True)
        .first()
    )
    if condition is None:
        raise ScoringError(
            _("Rule %(rule)s is not cancelled by “%(condition)s”.")
            % {"rule": rule_code, "condition": condition_code}
        )
    return condition


def cancel_conditions_of(rule_code: str) -> list[ScoreCancelCondition]:
    return list(
        ScoreCancelCondition.objects.filter(rule__code=rule_code, is_active=True).order_by("code")
    )


def _reason(condition: ScoreCancelCondition, note: str) -> str:
    text = f"{condition.rule.code} {_('cancelled')}: {condition.description_zh}"
    return f"{text} — {note.strip()}" if (note or "").strip() else text


def score_event_cancel_by_condition(
    event: ScoreEvent, *, condition_code: str, user=None, note: str = ""
) -> ScoreEvent:
    """Reverse ``event`` because its rule's condition ``condition_code`` happened."""
    condition = cancel_condition_get(event.rule.code, condition_code)
    return score_event_cancel(event, reason=_reason(condition, note), user=user)


def score_event_reverse_by_condition(
    *, rule_code: str, source, condition_code: str, user=None, note: str = ""
) -> ScoreEvent | None:
    """Reverse the event recorded for (rule, source) by the condition; ``None`` when nothing
    was recorded for that source. Idempotent."""
    condition = cancel_condition_get(rule_code, condition_code)
    return score_event_reverse(
        rule_code=rule_code, source=source, reason=_reason(condition, note), user=user
    )
