"""The day's complaints (complaints services): one at each stage, one about to breach its
response deadline within the hour, one escalated to the supervisor, one closed with the
customer's acceptance, and a compensation claim for the lost parcel."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from complaints.models import Complaint
from complaints.services import (
    complaint_accept,
    complaint_claim_file,
    complaint_create,
    complaint_escalate,
    complaint_feedback_record,
    complaint_findings_record,
    complaint_investigate,
    complaint_solution_propose,
    complaint_solution_send,
)

from .clock import Clock
from .people import Cast

STAGES = ("received", "accepted", "investigating", "escalated", "closed", "claim")


@dataclass(frozen=True)
class Case:
    key: str
    stage: str  # how far the story takes it (STAGES)
    parcel: str | None  # Parcel.key of its shipment
    customer: tuple[str, str]  # name, phone
    category: str
    description: str
    minutes_ago: int  # received this long before the demo was seeded
    severity: str = "ordinary"
    channel: str = "hotline"

    @property
    def email(self) -> str:
        return f"demo-{self.key.lower()}@customer.example"


CASES = [
    Case(
        "NEW",
        "received",
        "TRANSIT",
        ("周杰", "13800000005"),
        "service_quality",
        "客户反映下单后客服回复很慢，希望尽快确认发货时间。",
        5,
    ),
    # CMP-03: a major complaint answers within 30 minutes: 20 minutes are left.
    Case(
        "DUE_SOON",
        "received",
        "FAILED",
        ("冯刚", "13800000009"),
        "delay",
        "快递员没打电话就标记派送失败，客户今天必须收到，要求马上处理。",
        10,
        severity="major",
        channel="phone",
    ),
    Case(
        "ANSWERED",
        "accepted",
        "OUT",
        ("郑强", "13800000007"),
        "delay",
        "包裹显示派送中已经两个小时，客户询问能否下午送达。",
        120,
    ),
    Case(
        "INVESTIGATING",
        "investigating",
        "STATION",
        ("吴芳", "13800000006"),
        "staff_attitude",
        "客户到站点自提时站点人员态度恶劣。",
        180,
        channel="web",
    ),
    Case(
        "ESCALATED",
        "escalated",
        "STALE",
        ("陈静", "13800000010"),
        "delay",
        "包裹三天没有任何物流更新，客户多次来电，要求主管介入。",
        300,
    ),
    Case(
        "CLOSED",
        "closed",
        "DELIVERED",
        ("钱敏", "13800000008"),
        "cargo_damage",
        "鞋盒外包装压坏，客户要求说明情况。",
        360,
        channel="email",
    ),
    Case(
        "CLAIM",
        "claim",
        "LOST",
        ("沈洁", "13800000014"),
        "cargo_loss",
        "智能手表在转运中心丢失，客户要求赔偿。",
        150,
    ),
]


def _advance(complaint: Complaint, case: Case, cast: Cast) -> Complaint:
    """Take a new complaint as far as its case goes, as the agent and after-sales would."""
    agent = cast.users["agent"]
    if case.stage == "received":
        return complaint
    complaint = complaint_accept(complaint, user=agent, reason="已致电客户，正在处理")
    if case.stage == "accepted":
        return complaint
    if case.stage == "escalated":
        return complaint_escalate(
            complaint, user=agent, reason="站点无法给出包裹位置，需主管协调转运中心"
        )
    if case.stage == "claim":
        complaint_claim_file(
            complaint,
            user=cast.users["aftersales"],
            kind="compensation",
            cause="转运中心确认包裹丢失",
            amount=Decimal("899.00"),
        )
        return complaint
    complaint = complaint_investigate(complaint, user=agent)
    complaint = complaint_findings_record(
        complaint,
        user=agent,
        findings="站点分拣时外箱受压，商品本身完好。"
        if case.stage == "closed"
        else "站点当班人员与客户发生争执，已调取监控。",
        department=cast.employees["warehouse"].department,
    )
    if case.stage == "investigating":
        return complaint
    complaint = complaint_solution_propose(
        complaint, user=agent, solution="向客户致歉并赠送10元运费券，站点加强分拣培训。"
    )
    complaint = complaint_solution_send(complaint, user=agent)
    return complaint_feedback_record(
        complaint, user=agent, accepted=True, comment="客户接受道歉和运费券"
    )


def complaints_ensure(cast: Cast, clock: Clock, shipments: dict) -> dict[str, Complaint]:
    """CMP-01..CMP-07, CMP-11: the complaints of the story, keyed by ``Case.key``."""
    found = {}
    for case in CASES:
        complaint = Complaint.objects.filter(customer_email=case.email).first()
        if complaint is None:
            shipment = shipments[case.parcel] if case.parcel else None
            complaint = complaint_create(
                user=cast.users["agent"],
                channel=case.channel,
                customer_name=case.customer[0],
                customer_phone=case.customer[1],
                customer_email=case.email,
                description=case.description,
                category=case.category,
                severity=case.severity,
                shipment=shipment,
                assigned_agent=cast.employees["agent"],
                received_at=clock.ago(minutes=case.minutes_ago),
            )
            complaint = _advance(complaint, case, cast)
        found[case.key] = complaint
    return found


def due_within(complaints, clock: Clock, hours: int = 1) -> list[Complaint]:
    """The open complaints whose next deadline falls within ``hours`` of the demo's start."""
    end = clock.now + dt.timedelta(hours=hours)
    due = []
    for c in complaints:
        deadline = c.respond_by if c.responded_at is None else c.resolve_by
        if c.is_open and deadline is not None and clock.now < deadline <= end:
            due.append(c)
    return due
