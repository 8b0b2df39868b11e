"""The roster pattern's step column (issue 17.4): "order" meaning a sequence has its own
context ("sequence"), so Chinese reads 顺序 there while orders stay 订单."""

from django.utils import translation

from courier.shipments.models import Order
from staffing.models import RosterPatternStep, ScoreRule, ShiftSession

SEQUENCE_FIELDS = [(RosterPatternStep, "order"), (ShiftSession, "order"), (ScoreRule, "sort_order")]


def test_sequence_columns_are_not_translated_as_orders():
    """PLT-10: in zh-hans a pattern step's, a shift session's and a score rule's position
    is not labelled 订单 (the shipments' order); the order model still is 订单."""
    with translation.override("zh-hans"):
        assert str(Order._meta.verbose_name) == "订单"
        for model, name in SEQUENCE_FIELDS:
            label = str(model._meta.get_field(name).verbose_name)
            assert label != "订单", model
            assert label == translation.pgettext("sequence", "order"), model
