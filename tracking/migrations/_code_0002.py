# The code of tracking.migrations.0002_seed_rules, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""Seed the tracking rules with their documented defaults (TRK-02..05, TRK-10, lookup), a
Kuaidi100-style code table, the SMS templates, the feed user, and the roles' permissions."""

import datetime as dt

KUAIDI100 = [
    ("0", "in_transit", "", "在途"),
    ("1", "picked_up", "", "揽收"),
    ("2", "exception", "other", "疑难"),
    ("3", "delivered", "", "签收"),
    ("4", "delivery_failed", "refused", "退签"),
    ("5", "out_for_delivery", "", "派件"),
    ("6", "returning", "", "退回"),
    ("7", "in_transit", "", "转投"),
    ("14", "delivery_failed", "refused", "拒签"),
    ("101", "info_received", "", "已下单"),
    ("102", "info_received", "", "待揽收"),
    ("103", "picked_up", "", "已揽收"),
    ("1001", "arrived_at_station", "", "到达派件城市"),
    ("1002", "in_transit", "", "干线"),
    ("1003", "in_transit", "", "转递"),
    ("501", "at_pickup_point", "", "投柜或驿站"),
    ("301", "delivered", "by_recipient", "本人签收"),
    ("302", "delivered", "by_recipient", "派件异常后签收"),
    ("303", "delivered", "by_proxy", "代签"),
    ("304", "delivered", "at_pickup_point", "投柜或站签收"),
    ("401", "cancelled", "", "已销单"),
    ("201", "exception", "objective", "超时未签收"),
    ("202", "stale", "", "超时未更新"),
    ("203", "delivery_failed", "refused", "拒收"),
    ("204", "delivery_failed", "other", "派件异常"),
    ("205", "at_pickup_point", "", "柜或驿站超时未取"),
    ("206", "delivery_failed", "unreachable", "无法联系"),
    ("207", "delivery_failed", "address_error", "超区"),
    ("208", "exception", "objective", "滞留"),
    ("209", "exception", "damaged", "破损"),
    ("210", "cancelled", "", "销单"),
    ("211", "exception", "lost", "丢失"),
    ("212", "exception", "weather", "天气原因延误"),
    ("213", "exception", "traffic_control", "交通管制延误"),
    ("214", "exception", "recipient_anomaly", "收件人异常"),
    ("215", "delivery_failed", "recipient_absent", "收件人不在"),
]

SMS_TEMPLATES = [
    ("arrival", "【快递】您的快件{waybill}已到达，客服将致电确认到货时间、货物状况与签收人。"),
    (
        "vip-update",
        "【快递】VIP快件{waybill}最新状态：{status}，{location}。如需帮助请致电客服热线。",
    ),
]


def seed(apps, schema_editor):
    from staffing.roles import roles_sync

    TrackingPolicy = apps.get_model("tracking", "TrackingPolicy")
    StatusMapping = apps.get_model("tracking", "StatusMapping")
    SmsTemplate = apps.get_model("tracking", "SmsTemplate")
    Department = apps.get_model("staffing", "Department")
    department = Department.objects.filter(code="customer-service").first()
    TrackingPolicy.objects.get_or_create(
        pk=1,
        defaults={
            "stale_hours": 24,
            "future_tolerance_minutes": 10,
            "max_batch": 500,
            "afternoon_starts": dt.time(12, 0),
            "same_day_due": dt.time(18, 0),
            "next_day_due": dt.time(12, 0),
            "chase_days": 3,
            "followup_department": department,
        },
    )
    for code, status, sub_status, label in KUAIDI100:
        StatusMapping.objects.get_or_create(
            partner=None,
            code=code,
            defaults={"status": status, "sub_status": sub_status, "label": label},
        )
    for code, body in SMS_TEMPLATES:
        SmsTemplate.objects.get_or_create(code=code, defaults={"body": body})
    roles_sync(apps)
    # The carrier feed's acting user: only the transitions events may run.
    User = apps.get_model("auth", "User")
    Permission = apps.get_model("auth", "Permission")
    user, _created = User.objects.get_or_create(
        username="tracking-feed", defaults={"first_name": "Tracking feed", "password": "!"}
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="courier", codename__in=["move_shipment", "deliver_shipment"]
        )
    )
