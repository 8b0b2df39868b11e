# The code of staffing.migrations.0010_seed_score_cancel_conditions, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""A6 / A9 (issue 13 point 10): the documented cancel conditions as data, and the rule texts
corrected where the first seed left a condition out or misread it.

- A6 is cancelled when the customer later agrees to bear half of the collect freight; the
  original speaks of a freight-collect parcel (到付件), not cash on delivery.
- A9 is cancelled when the goods are recovered *or* the customer agrees to pay the goods' full
  price (the first seed had only the recovery).

Only missing conditions are added; a rule text is corrected only while it is still the first
seed's wording (ops' edits are kept).
"""


CONDITIONS = [
    (
        "A6",
        "half_freight_paid",
        "事后说服客户承担一半到付运费",
        "The customer later agreed to bear half of the collect freight",
    ),
    (
        "A9",
        "goods_recovered",
        "事后跟客户沟通，成功将货退回",
        "The goods were later recovered from the customer",
    ),
    (
        "A9",
        "full_price_paid",
        "客户愿意补给我们商品全额",
        "The customer agreed to pay the goods' full price",
    ),
]

TEXTS = {
    "A6": (
        (
            "没有明确告知客户垫付运费,导致客户发到付件(事后说服客户承担一半到付运费的,扣分取消)",
            "Did not tell the customer to prepay return freight; a COD parcel arrived (cancelled "
            "if the customer pays half later)",
        ),
        (
            "没有明确告知客户垫付运费,导致客户发到付件(事后说服客户承担一半到付运费的,扣分取消)",
            "Did not tell the customer to prepay the return freight; a freight-collect parcel "
            "arrived (cancelled if the customer later bears half of the collect freight)",
        ),
    ),
    "A9": (
        (
            "没有及时处理退款中的订单,导致自动退款且客户未退货(事后追回的,扣分取消)",
            "Refund not handled, auto-refunded without the goods back (cancelled if recovered)",
        ),
        (
            "没有及时处理退款中的订单,导致自动退款且客户未退货"
            "(事后追回货物或客户愿意补给商品全额的,扣分取消)",
            "Refund not handled, auto-refunded without the goods back (cancelled if the goods "
            "are recovered or the customer pays the goods' full price)",
        ),
    ),
}


def seed(apps, schema_editor):
    ScoreRule = apps.get_model("staffing", "ScoreRule")
    ScoreCancelCondition = apps.get_model("staffing", "ScoreCancelCondition")
    for code, ((old_zh, old_en), (new_zh, new_en)) in TEXTS.items():
        rule = ScoreRule.objects.filter(code=code).first()
        if rule is None:
            continue
        fields = []
        if rule.description_zh == old_zh and old_zh != new_zh:
            rule.description_zh = new_zh
            fields.append("description_zh")
        if rule.description_en == old_en:
            rule.description_en = new_en
            fields.append("description_en")
        if fields:
            rule.save(update_fields=fields)
    for rule_code, code, zh, en in CONDITIONS:
        rule = ScoreRule.objects.filter(code=rule_code).first()
        if rule is None:
            continue
        ScoreCancelCondition.objects.get_or_create(
            rule=rule, code=code, defaults={"description_zh": zh, "description_en": en}
        )
