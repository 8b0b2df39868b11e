"""Pure rules of the order desk: remark templates, the transport-mode suggestion, what becomes
of retrieved papers, the print deadline."""

import datetime as dt
from decimal import Decimal

from courier.shipments import rules


def test_seeded_remark_templates_are_valid_and_render_signed():
    """SHP-06, SHP-13, P4: every default template passes its own check and renders with the
    date as 2012.01.31 and the name."""
    for key, (_allowed, text) in rules.REMARK_TEMPLATES.items():
        assert rules.remark_template_problems(key, text) == [], key
    text = rules.REMARK_TEMPLATES["goods"][1]
    assert (
        rules.remark_render(text, on=dt.date(2012, 1, 31), name="李四", old="红色38", new="黑色39")
        == "客户拍下红色38，要求修改成黑色39，已修改妥当——2012.01.31 李四"
    )


def test_remark_template_problems():
    """SHP-06, P4: unknown placeholders, a lost date or name, and bad braces are named."""
    assert rules.remark_template_problems("address", "新地址{new}{x}——{date} {name}") == [
        "unknown: x"
    ]
    assert rules.remark_template_problems("address", "新地址{new}") == [
        "missing: date",
        "missing: name",
    ]
    assert rules.remark_template_problems("address", "新地址{new}——{date} {name}}") == ["braces"]
    assert rules.remark_template_problems("desk_void", "作废{order}") == []


def test_goods_description():
    """SHP-06: a goods line quoted in a remark."""
    assert rules.goods_description("羊毛鞋", ["黑色", "", "40"], 2) == "羊毛鞋（黑色，40）×2"
    assert rules.goods_description("羊毛鞋", ["", " "], 1) == "羊毛鞋×1"


def test_retrieval_dispositions():
    """SHP-07: printed papers are torn up; a packed parcel's goods may also go back to stock;
    nothing was retrieved before printing."""
    assert rules.retrieval_dispositions(rules.PRINTED) == {rules.DESTROYED}
    assert rules.retrieval_dispositions(rules.PACKED) == {rules.DESTROYED, rules.RESTOCKED}
    assert rules.retrieval_dispositions(rules.NOT_PRINTED) == frozenset()


RULES = [
    rules.ModeRule(1, "air", "time", max_hours_to_arrival=48, max_weight_kg=Decimal("50")),
    rules.ModeRule(2, "rail", "cost", min_weight_kg=Decimal("500")),
    rules.ModeRule(3, "sea", "safety", fragile=True),
]


def _facts(weight="1", dangerous=False, fragile=False, hours=None):
    return rules.CargoFacts(Decimal(weight), dangerous, fragile, hours)


def test_transport_mode_suggest():
    """SHP-05: the first matching rule decides, on its ground; bounds are inclusive; nothing
    matching → road on cost; dangerous goods never fly."""
    assert rules.transport_mode_suggest(_facts(hours=48), RULES) == rules.ModeSuggestion(
        "air", "time", 1
    )
    assert rules.transport_mode_suggest(_facts(hours=48.5), RULES).mode == "road"
    assert rules.transport_mode_suggest(_facts(weight="50.001", hours=1), RULES).mode == "road"
    assert rules.transport_mode_suggest(_facts(dangerous=True, hours=1), RULES).mode == "road"
    assert rules.transport_mode_suggest(_facts(weight="500"), RULES).mode == "rail"
    assert rules.transport_mode_suggest(_facts(fragile=True), RULES) == rules.ModeSuggestion(
        "sea", "safety", 3
    )
    assert rules.transport_mode_suggest(_facts(), RULES) == rules.ModeSuggestion(
        "road", "cost", None
    )
    assert rules.transport_mode_problem("air", dangerous_goods=True) == "dangerous_air"
    assert rules.transport_mode_problem("road", dangerous_goods=True) is None
    assert rules.transport_mode_problem("air", dangerous_goods=False) is None


def test_printed_on_time():
    """D1: printed on the day, no later than the deadline."""
    day = dt.date(2026, 12, 1)
    deadline = dt.time(17, 0)
    assert rules.printed_on_time(dt.datetime(2026, 12, 1, 17, 0), day, deadline)
    assert not rules.printed_on_time(dt.datetime(2026, 12, 1, 17, 0, 1), day, deadline)
    assert not rules.printed_on_time(dt.datetime(2026, 12, 2, 9, 0), day, deadline)
