# The code of courier.migrations.0019_order_desk, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
TEMPLATES = {
    "goods": "客户拍下{old}，要求修改成{new}，已修改妥当——{date} {name}",
    "address": "客户要求修改地址，新地址为：{new}——{date} {name}",
    "field": "客户要求将{field}由{old}修改成{new}，已修改妥当——{date} {name}",
    "printed": "客户要求修改成{new}，已在发货单与快递单上修改妥当——{date} {name}",
    "special_carrier": "客户要求指定快递：{text}——{date} {name}",
    "special_invoice": "客户要求开发票，发票抬头：{text}——{date} {name}",
    "special_card": "客户要求附贺卡，贺卡内容：{text}——{date} {name}",
    "special_time": "客户要求送货时间：{text}——{date} {name}",
    "special_other": "客户要求{text}——{date} {name}",
    "desk_modified": "通知打单人员注意此ID订单已修改：{order}。{remarks}",
    "desk_reprint": "此ID订单已修改，包裹已要回，请重新打单：{order}（运单{waybill}）。{remarks}",
    "desk_special": "此ID客户有特殊要求：{order}。{remarks}",
    "desk_void": "客户付款后不想购买，此ID订单已作废，请勿打单：{order}（运单{waybill}）",
    "refund_task": "确认已作废之后通知售后客服处理退款：订单{order}（运单{waybill}）",
    "warehouse_stock": "客户特别着急，请确认库存后回复：订单{order}，{goods}",
}

MODE_RULES = [
    # priority, mode, ground, max hours to arrival, min kg, max kg, note
    (10, "air", "time", 48, None, "50", "due within two days, light enough to fly"),
    (20, "rail", "cost", None, "500", None, "heavy consignments go by rail"),
    (30, "road", "cost", None, None, None, "otherwise the cheapest: road"),
]


def seed(apps, schema_editor):
    RemarkTemplate = apps.get_model("courier", "RemarkTemplate")
    TransportModeRule = apps.get_model("courier", "TransportModeRule")
    for key, text in TEMPLATES.items():
        RemarkTemplate.objects.get_or_create(key=key, defaults={"text": text})
    if not TransportModeRule.objects.exists():
        for priority, mode, ground, hours, lo, hi, note in MODE_RULES:
            TransportModeRule.objects.create(
                priority=priority,
                mode=mode,
                ground=ground,
                max_hours_to_arrival=hours,
                min_weight_kg=lo,
                max_weight_kg=hi,
                note=note,
            )
