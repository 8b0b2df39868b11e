"""Issue 13 point 10: A6's and A9's cancel conditions exist as data (SCR-09) and only they
cancel the deduction."""

import pytest
from django.utils import timezone

from staffing.models import ScoreCancelCondition, ScoreEvent, ScoreRule
from staffing.services.scoring import ScoringError, score_event_record
from staffing.services.scoring_cancel import (
    cancel_conditions_of,
    score_event_cancel_by_condition,
    score_event_reverse_by_condition,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_a6_and_a9_cancel_conditions_are_seeded():
    """A6, A9, SCR-09: A6 is cancelled when the customer later bears half of the collect
    freight; A9 when the goods are recovered or the customer pays the goods' full price; the
    rule texts say so (the freight-collect parcel, not COD)."""
    assert [(c.code, c.description_zh) for c in cancel_conditions_of("A6")] == [
        ("half_freight_paid", "事后说服客户承担一半到付运费")
    ]
    assert [(c.code, c.description_en) for c in cancel_conditions_of("A9")] == [
        ("full_price_paid", "The customer agreed to pay the goods' full price"),
        ("goods_recovered", "The goods were later recovered from the customer"),
    ]
    a6, a9 = ScoreRule.objects.get(code="A6"), ScoreRule.objects.get(code="A9")
    assert "freight-collect parcel" in a6.description_en and "COD" not in a6.description_en
    assert "商品全额" in a9.description_zh and "full price" in a9.description_en
    assert ScoreCancelCondition.objects.filter(rule__code="A8").count() == 0


def test_a9_cancelled_by_full_price_and_a6_by_half_freight():
    """A9, A6, SCR-09: a recorded A9 is reversed when the customer pays the full price (the
    reason names the condition); A6 by half the freight; a condition of another rule is refused."""
    agent = EmployeeFactory(position="aftersales")
    a9 = score_event_record(
        employee=agent, rule_code="A9", source=None, occurred_at=timezone.now(), reason="退款"
    )
    with pytest.raises(ScoringError) as info:
        score_event_cancel_by_condition(a9, condition_code="half_freight_paid")
    assert info.value.messages == ["Rule A9 is not cancelled by “half_freight_paid”."]
    reversal = score_event_cancel_by_condition(a9, condition_code="full_price_paid", note="补款200")
    assert (reversal.kind, reversal.points, reversal.reverses) == ("reversal", 3, a9)
    assert reversal.reason == "A9 cancelled: 客户愿意补给我们商品全额 — 补款200"
    a6 = score_event_record(
        employee=agent, rule_code="A6", source=None, occurred_at=timezone.now(), reason="到付"
    )
    reversal = score_event_cancel_by_condition(a6, condition_code="half_freight_paid")
    assert (reversal.points, reversal.reason) == (3, "A6 cancelled: 事后说服客户承担一半到付运费")
    assert ScoreEvent.objects.filter(kind="reversal").count() == 2


def test_inactive_condition_refused_and_reverse_by_source_without_event():
    """SCR-09: a condition the manager switched off no longer cancels; reversing by source
    when nothing was recorded returns None."""
    ScoreCancelCondition.objects.filter(code="goods_recovered").update(is_active=False)
    agent = EmployeeFactory(position="aftersales")
    event = score_event_record(
        employee=agent, rule_code="A9", source=None, occurred_at=timezone.now()
    )
    with pytest.raises(ScoringError):
        score_event_cancel_by_condition(event, condition_code="goods_recovered")
    assert (
        score_event_reverse_by_condition(
            rule_code="A9", source=agent, condition_code="full_price_paid"
        )
        is None
    )
