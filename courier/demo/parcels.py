"""The day's parcels: one order per shipment state, moved the way the real flows move them.

Printing and packing by the desks (``shipment_transition``), everything on the road by the
carrier's events through the ingestion service behind ``POST /api/v1/tracking-events/``
(``tracking_events_ingest``, with the partner's service user), a cancellation by pre-sales,
recalls by after-sales, a loss reported by the supervisor; then the 09:00 sweep
(``tracking_sweep``) opens the calls and chases, and the supervisor hands the unassigned ones to
张客服 so the agent's queue (/admin/tracking/followuptask/my-queue/) shows the day's work.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from courier.shipments.models import Shipment
from courier.shipments.services.orders import order_intake
from courier.shipments.services.returns import recall_issue, recall_original_received
from courier.shipments.services.shipments import shipment_cancel, shipment_transition
from tracking import selectors as tracking_selectors
from tracking.models import ContactLog
from tracking.services import (
    contact_record,
    follow_up_reassign,
    tracking_events_ingest,
    tracking_sweep,
)

from .clock import Clock
from .people import Cast

REF = "DEMO-{}"
ORIGIN = "上海静安网点"
HUB = "上海转运中心"
STATION = "深圳南山站"

# The road, as (status, sub-status, location): an in-transit parcel stops after the second.
ROAD = [
    ("picked_up", "", ORIGIN),
    ("in_transit", "", HUB),
    ("arrived_at_station", "", STATION),
    ("out_for_delivery", "", STATION),
]


@dataclass(frozen=True)
class Parcel:
    """One demo order: its reference, the recipient and the story of its shipment."""

    key: str
    state: str  # the state it ends the story in
    recipient: tuple[str, str, str, str, str]  # name, phone, province, city, district+address
    goods: tuple[str, int, str]  # line name, quantity, unit price
    # events: (status, sub_status, location, hours before the morning sweep)
    events: tuple = field(default=())
    paid_hours_ago: int = 30

    @property
    def ref(self) -> str:
        return REF.format(self.key)


def _road(*hours, last=None):
    """The first ``len(hours)`` stops of the road at those hours before the morning, then
    ``last`` (status, sub_status, location, hours) when given."""
    events = [(*ROAD[i], h) for i, h in enumerate(hours)]
    if last:
        events.append(last)
    return tuple(events)


PARCELS = [
    Parcel(
        "CREATED",
        "created",
        ("王小明", "13800000001", "广东省", "深圳市", "南山区 科技园路1号"),
        ("羊毛围巾", 1, "129.00"),
        paid_hours_ago=1,
    ),
    Parcel(
        "PRINTED",
        "printed",
        ("李娜", "13800000002", "广东省", "广州市", "天河区 体育西路2号"),
        ("保温杯", 2, "59.00"),
        paid_hours_ago=3,
    ),
    Parcel(
        "PACKED",
        "packed",
        ("赵磊", "13800000003", "浙江省", "杭州市", "西湖区 文三路3号"),
        ("蓝牙耳机", 1, "299.00"),
        paid_hours_ago=5,
    ),
    Parcel(
        "PICKED",
        "picked_up",
        ("孙丽", "13800000004", "江苏省", "南京市", "鼓楼区 中山路4号"),
        ("茶叶礼盒", 1, "168.00"),
        _road(1),
        paid_hours_ago=8,
    ),
    Parcel(
        "TRANSIT",
        "in_transit",
        ("周杰", "13800000005", "北京市", "北京市", "朝阳区 建国路5号"),
        ("运动鞋", 1, "399.00"),
        _road(20, 10),
    ),
    Parcel(
        "STATION",
        "at_station",
        ("吴芳", "13800000006", "广东省", "深圳市", "福田区 深南大道6号"),
        ("儿童绘本", 3, "35.00"),
        _road(30, 26, 3),
    ),
    Parcel(
        "OUT",
        "out_for_delivery",
        ("郑强", "13800000007", "广东省", "深圳市", "南山区 海德三道7号"),
        ("咖啡豆", 2, "88.00"),
        _road(30, 26, 4, 1),
    ),
    Parcel(
        "DELIVERED",
        "delivered",
        ("钱敏", "13800000008", "广东省", "深圳市", "宝安区 新安路8号"),
        ("羊毛鞋", 2, "100.00"),
        _road(30, 26, 5, 3, last=("delivered", "by_recipient", STATION, 1)),
    ),
    Parcel(
        "FAILED",
        "delivery_failed",
        ("冯刚", "13800000009", "广东省", "深圳市", "龙岗区 龙翔大道9号"),
        ("台灯", 1, "159.00"),
        _road(30, 26, 5, 3, last=("delivery_failed", "recipient_absent", STATION, 1)),
    ),
    Parcel(
        "STALE",
        "in_transit",
        ("陈静", "13800000010", "四川省", "成都市", "武侯区 人民南路10号"),
        ("真丝睡衣", 1, "459.00"),
        _road(80, 72),
        paid_hours_ago=90,
    ),
    Parcel(
        "RETURNING",
        "returning",
        ("褚伟", "13800000011", "湖北省", "武汉市", "洪山区 珞喻路11号"),
        ("电饭煲", 1, "269.00"),
        _road(20, 12),
    ),
    Parcel(
        "RETURNED",
        "returned",
        ("卫红", "13800000012", "湖南省", "长沙市", "岳麓区 麓山南路12号"),
        ("羽绒服", 1, "599.00"),
        _road(22, 16),
        paid_hours_ago=26,
    ),
    Parcel(
        "CANCELLED",
        "cancelled",
        ("蒋涛", "13800000013", "福建省", "厦门市", "思明区 中山路13号"),
        ("手机壳", 2, "25.00"),
        paid_hours_ago=2,
    ),
    Parcel(
        "LOST",
        "lost",
        ("沈洁", "13800000014", "山东省", "青岛市", "市南区 香港中路14号"),
        ("智能手表", 1, "899.00"),
        _road(22, 18),
        paid_hours_ago=26,
    ),
]
PRINTED_OR_LATER = {"printed", "packed"}


def _order_data(parcel: Parcel, clock: Clock) -> tuple[dict, list[dict]]:
    name, phone, province, city, rest = parcel.recipient
    district, address = rest.split(" ", 1)
    line_name, quantity, price = parcel.goods
    data = {
        "channel": "taobao",
        "partner_ref": parcel.ref,
        "sender_name": "演示商城仓库",
        "sender_phone": "021-62345678",
        "sender_province": "上海市",
        "sender_city": "上海市",
        "sender_district": "静安区",
        "sender_address": "南京西路1号",
        "recipient_name": name,
        "recipient_phone": phone,
        "recipient_province": province,
        "recipient_city": city,
        "recipient_district": district,
        "recipient_address": address,
        "weight_kg": Decimal("1.200"),
        "goods_amount": Decimal(price) * quantity,
        # Insured at 2,000 yuan: priced at intake with the insurance line (FIN-01).
        "declared_value": Decimal("2000"),
        "paid_at": clock.before_morning(hours=parcel.paid_hours_ago),
        "in_stock": True,
    }
    return data, [{"name": line_name, "quantity": quantity, "unit_price": price}]


def _refresh(shipment: Shipment) -> Shipment:
    return Shipment.objects.select_related("order", "partner").get(pk=shipment.pk)


def _desks(shipment: Shipment, parcel: Parcel, cast: Cast) -> Shipment:
    """The printing desk prints, the warehouse packs (only the steps not yet done)."""
    wants_print = parcel.state != "created" and parcel.state != "cancelled"
    if wants_print and shipment.state == "created":
        shipment = shipment_transition(shipment, "print_waybill", user=cast.users["printing"])
    wants_pack = parcel.state not in ("created", "printed", "cancelled")
    if wants_pack and shipment.state == "printed":
        shipment = shipment_transition(shipment, "pack", user=cast.users["warehouse"])
    return shipment


def _event_items(parcels: list[Parcel], shipments: dict, clock: Clock) -> list[dict]:
    items = []
    for parcel in parcels:
        for n, (status, sub_status, location, hours) in enumerate(parcel.events, 1):
            items.append(
                {
                    "waybill_number": shipments[parcel.key].waybill_number,
                    "event_id": f"{parcel.ref}-{n}",
                    "status": status,
                    "sub_status": sub_status,
                    "location": location,
                    "occurred_at": clock.before_morning(hours=hours).isoformat(),
                }
            )
    return items


def _after_the_road(shipment: Shipment, parcel: Parcel, cast: Cast, clock: Clock) -> Shipment:
    """What the staff do once the parcel is on its way: cancel, recall, receive back, lose."""
    if parcel.state == "cancelled" and shipment.state == "created":
        shipment = shipment_cancel(
            shipment, user=cast.users["presales"], reason="客户拍错颜色，申请取消"
        ).shipment
    if parcel.state in ("returning", "returned") and shipment.state == "in_transit":
        recall_issue(
            shipment,
            user=cast.users["aftersales"],
            reason="客户发货后申请取消，拦截退回",
            courier_name="快递员老黄",
        )
        shipment = _refresh(shipment)
    if parcel.state == "returned" and shipment.state == "returning":
        recall_original_received(
            shipment.recall_slips.get(state="issued"),
            user=cast.users["printing"],
            received_name="吴打单",
            received_on=clock.today,
        )
        shipment = _refresh(shipment)
    if parcel.state == "lost" and shipment.state == "in_transit":
        shipment = shipment_transition(
            shipment, "mark_lost", user=cast.users["supervisor"], reason="转运中心确认包裹丢失"
        )
    return shipment


def parcels_ensure(cast: Cast, clock: Clock) -> dict[str, Shipment]:
    """TRK-02..TRK-05, SHP-07: the shipments of the story, keyed by ``Parcel.key``. Returns
    them refreshed; the morning sweep runs only on the run that created them."""
    partner = cast.partner
    shipments, created_any = {}, False
    for parcel in PARCELS:
        data, lines = _order_data(parcel, clock)
        intake = order_intake(partner, data, lines, user=cast.users["presales"])
        created_any |= intake.created
        shipments[parcel.key] = _desks(_refresh(intake.shipment), parcel, cast)
    # The carrier's feed: one batch, as a partner posts it; a known event id is a duplicate.
    items = _event_items(PARCELS, shipments, clock)
    tracking_events_ingest(partner, items, user=partner.service_user, now=clock.morning)
    for parcel in PARCELS:
        shipment = _refresh(shipments[parcel.key])
        shipments[parcel.key] = _after_the_road(shipment, parcel, cast, clock)
    if created_any:
        tracking_sweep(user=None, now=clock.morning)
    calls_hand_to_agent(cast)
    contact_ensure(cast, clock, shipments["STALE"])
    return shipments


def calls_hand_to_agent(cast: Cast) -> int:
    """TRK-04: calls nobody on shift could take go to 张客服 (the supervisor reassigns them)."""
    handed = 0
    for task in tracking_selectors.unassigned_queue():
        follow_up_reassign(task, user=cast.users["supervisor"], assignee=cast.employees["agent"])
        handed += 1
    return handed


CONTACT_SUMMARY = "客户来电：包裹三天没有更新，问到哪里了"


def contact_ensure(cast: Cast, clock: Clock, shipment: Shipment) -> ContactLog:
    """TRK-01: this morning's hotline call about the stale parcel, still open in the queue."""
    contact = ContactLog.objects.filter(
        waybill_number=shipment.waybill_number, summary=CONTACT_SUMMARY
    ).first()
    if contact is None:
        start_of_day = timezone.make_aware(dt.datetime.combine(clock.today, dt.time(0)))
        contact = contact_record(
            user=cast.users["agent"],
            channel="hotline",
            kind="query",
            waybill_number=shipment.waybill_number,
            customer_name=shipment.order.recipient_name,
            customer_phone=shipment.order.recipient_phone,
            summary=CONTACT_SUMMARY,
            received_at=max(start_of_day, clock.ago(minutes=20)),
        )
    return contact
