"""Pure rule arithmetic of the shipments domain: no database, no clock, no I/O.

Every number comes in as an argument (from settings rows or partner fields), so the rules stay
data that ops edit in the admin.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

# --- Phones (SHP-02 / SHP-03) -----------------------------------------------------------------
# Mobile: 11 digits starting 13-19, optionally +86/86. Landline: area code 0 + 2-3 digits, then a
# 7-8 digit number, optional "-" separators and extension.
MOBILE_RE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?$")


def phone_normalise(phone: str) -> str:
    return re.sub(r"[\s()]", "", phone or "")


def phone_is_valid(phone: str) -> bool:
    """A Chinese mobile or landline number."""
    value = phone_normalise(phone)
    return bool(MOBILE_RE.match(value) or LANDLINE_RE.match(value))


def phone_last4(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:]


# --- Waybill numbers (fixed length with a check digit) ----------------------------------------
WAYBILL_PREFIX = "8"
WAYBILL_LENGTH = 12  # prefix + 10 random digits + check digit


def waybill_check_digit(body: str) -> str:
    """Luhn check digit: catches every single-digit typo and most adjacent swaps."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def waybill_number_from(random_digits: int) -> str:
    body = f"{WAYBILL_PREFIX}{random_digits:0{WAYBILL_LENGTH - 2}d}"
    return body + waybill_check_digit(body)


def waybill_is_valid(number: str) -> bool:
    if not number or len(number) != WAYBILL_LENGTH or not number.isdigit():
        return False
    return waybill_check_digit(number[:-1]) == number[-1]


# --- Promised dispatch date (SHP-08) -------------------------------------------------------------
def promised_dispatch_date(
    paid_at: datetime,
    *,
    in_stock: bool,
    made_to_order: bool,
    cutoff: time,
    made_to_order_hours: int,
) -> date:
    """Paid before the cut-off with stock → today; otherwise the next day; made-to-order goods →
    within ``made_to_order_hours`` of payment. ``paid_at`` is local time."""
    if made_to_order:
        return (paid_at + timedelta(hours=made_to_order_hours)).date()
    if in_stock and paid_at.time() < cutoff:
        return paid_at.date()
    return paid_at.date() + timedelta(days=1)


# --- Order verification (SHP-03 / SHP-04) --------------------------------------------------------
@dataclass(frozen=True)
class LineFacts:
    name: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


OUT_OF_STOCK = "out_of_stock"
PRICE_ANOMALY = "price_anomaly"
ADDRESS_ERROR = "address_error"
GOODS_ERROR = "goods_error"


def order_verification_problems(
    *,
    lines: list[LineFacts],
    declared_total: Decimal | None,
    address_parts: dict[str, str],
    in_stock: bool,
    made_to_order: bool,
) -> list[tuple[str, str]]:
    """What is wrong with an order: a list of (kind, detail); empty means verified."""
    problems: list[tuple[str, str]] = []
    if not lines:
        problems.append((GOODS_ERROR, "no goods lines"))
    for line in lines:
        if not line.name.strip() or line.quantity <= 0:
            problems.append((GOODS_ERROR, f"{line.name}: name or quantity missing"))
        if line.unit_price <= 0 or line.amount != line.unit_price * line.quantity:
            problems.append(
                (
                    PRICE_ANOMALY,
                    f"{line.name}: {line.quantity} x {line.unit_price} != {line.amount}",
                )
            )
    total = sum((line.amount for line in lines), Decimal("0"))
    if declared_total is not None and total != declared_total:
        problems.append((PRICE_ANOMALY, f"lines total {total} != order amount {declared_total}"))
    missing = [k for k, v in address_parts.items() if not (v or "").strip()]
    if missing:
        problems.append((ADDRESS_ERROR, "missing: " + ", ".join(missing)))
    if not in_stock and not made_to_order:
        problems.append((OUT_OF_STOCK, "not in stock"))
    return problems


# --- Shipment stages (SHP-06 / SHP-07) -----------------------------------------------------------
NOT_PRINTED = "not_printed"
PRINTED = "printed"
PACKED = "packed"
SHIPPED = "shipped"
FINISHED = "finished"

SHIPPED_STATES = frozenset(
    {"picked_up", "in_transit", "at_station", "out_for_delivery", "delivery_failed"}
)
FINISHED_STATES = frozenset({"delivered", "returning", "returned", "cancelled", "lost"})


def shipment_stage(state: str) -> str:
    if state == "created":
        return NOT_PRINTED
    if state == "printed":
        return PRINTED
    if state == "packed":
        return PACKED
    if state in SHIPPED_STATES:
        return SHIPPED
    return FINISHED


# What a modification does at each stage (SHP-06).
MODIFY_EDIT = "edit"  # not printed: edit and note
MODIFY_EDIT_PRINTED = "edit_printed"  # printed: edit on the printed waybill and note
MODIFY_REPRINT = "reprint"  # packed: retrieve the parcel, re-print
MODIFY_AFTERSALES = "aftersales"  # shipped: hand to after-sales
MODIFY_REFUSED = "refused"  # finished: nothing to change


def modification_route(state: str) -> str:
    return {
        NOT_PRINTED: MODIFY_EDIT,
        PRINTED: MODIFY_EDIT_PRINTED,
        PACKED: MODIFY_REPRINT,
        SHIPPED: MODIFY_AFTERSALES,
    }.get(shipment_stage(state), MODIFY_REFUSED)


# What a cancellation does at each stage (SHP-07).
CANCEL_VOID = "void"  # not printed: void the order
CANCEL_RETRIEVE = "retrieve"  # printed or packed: retrieve waybill / parcel, then refund
CANCEL_RECALL = "recall"  # shipped: after-sales recall
CANCEL_REFUSED = "refused"


def cancellation_route(state: str) -> str:
    return {
        NOT_PRINTED: CANCEL_VOID,
        PRINTED: CANCEL_RETRIEVE,
        PACKED: CANCEL_RETRIEVE,
        SHIPPED: CANCEL_RECALL,
    }.get(shipment_stage(state), CANCEL_REFUSED)


def modification_remark(field: str, old: str, new: str, on: date, name: str, *, template: str):
    """SHP-06 remark: "customer requested X changed to Y, done — date, name".

    ``template`` is the (translated) format with {field}, {old}, {new}, {date}, {name}."""
    return template.format(field=field, old=old, new=new, date=on.strftime("%Y.%m.%d"), name=name)


# --- Delivery (DLV-01..03) -----------------------------------------------------------------------
def names_match(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a or "").casefold() == re.sub(r"\s+", "", b or "").casefold()


def inspection_is_abnormal(*, packing_intact: bool, count_matches: bool, appearance_ok: bool):
    """DLV-02/03: packing, count or appearance wrong. Product quality is never judged here."""
    return not (packing_intact and count_matches and appearance_ok)


def id_number_mask(id_number: str) -> str:
    """SHP-09: keep the first 3 and last 4 characters of an ID number, mask the rest."""
    value = (id_number or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# --- Returns (RET-04) ----------------------------------------------------------------------------
COMPANY = "company"
CUSTOMER = "customer"


@dataclass(frozen=True)
class FreightSplit:
    return_leg_payer: str  # who finally pays the customer's return leg
    outbound_leg_payer: str  # who pays shipping the exchange (or nothing for a refund)
    customer_prepays_return: bool  # customer pays the return leg up front
    refund_return_freight_on_receipt: bool  # we refund the prepaid return leg once received


def freight_responsibility(*, quality_problem: bool) -> FreightSplit:
    """RET-04: quality problem → company pays both ways (the customer prepays the return and is
    refunded on receipt); otherwise the customer pays the return leg."""
    if quality_problem:
        return FreightSplit(COMPANY, COMPANY, True, True)
    return FreightSplit(CUSTOMER, COMPANY, True, False)


def return_acceptable(*, intact: bool, box_complete: bool, resaleable: bool) -> bool:
    """RET-03: intact goods, complete box, resaleable."""
    return intact and box_complete and resaleable


def exchange_may_ship(*, return_received: bool, supervisor_approved: bool) -> bool:
    """RET-07: no exchange ships before the return is received, unless a supervisor approved."""
    return return_received or supervisor_approved


# --- Retention (DLV-06 / SHP-11) -----------------------------------------------------------------
def years_before(moment: datetime, years: int) -> datetime:
    """The same calendar moment ``years`` earlier (29 February → 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def retention_due(completed_at: datetime | None, *, years: int, now: datetime) -> bool:
    """Completed more than ``years`` ago; never before."""
    return completed_at is not None and completed_at < years_before(now, years)


# --- Order desk remarks (SHP-06, SHP-13; P4: every remark signed and dated) ---------------------
# Each remark template is a row (``RemarkTemplate``) that ops edit; these are the keys, the
# placeholders each may use, and the documented text seeded into it (handbook, pre-sales 3-6).
REMARK_DATE_FORMAT = "%Y.%m.%d"
REMARK_TEMPLATES: dict[str, tuple[frozenset[str], str]] = {
    "goods": (
        frozenset({"old", "new", "date", "name"}),
        "客户拍下{old}，要求修改成{new}，已修改妥当——{date} {name}",
    ),
    "address": (
        frozenset({"new", "date", "name"}),
        "客户要求修改地址，新地址为：{new}——{date} {name}",
    ),
    "field": (
        frozenset({"field", "old", "new", "date", "name"}),
        "客户要求将{field}由{old}修改成{new}，已修改妥当——{date} {name}",
    ),
    "printed": (
        frozenset({"new", "date", "name"}),
        "客户要求修改成{new}，已在发货单与快递单上修改妥当——{date} {name}",
    ),
    "special_carrier": (
        frozenset({"text", "date", "name"}),
        "客户要求指定快递：{text}——{date} {name}",
    ),
    "special_invoice": (
        frozenset({"text", "date", "name"}),
        "客户要求开发票，发票抬头：{text}——{date} {name}",
    ),
    "special_card": (
        frozenset({"text", "date", "name"}),
        "客户要求附贺卡，贺卡内容：{text}——{date} {name}",
    ),
    "special_time": (
        frozenset({"text", "date", "name"}),
        "客户要求送货时间：{text}——{date} {name}",
    ),
    "special_other": (frozenset({"text", "date", "name"}), "客户要求{text}——{date} {name}"),
    "desk_modified": (
        frozenset({"order", "remarks"}),
        "通知打单人员注意此ID订单已修改：{order}。{remarks}",
    ),
    "desk_reprint": (
        frozenset({"order", "waybill", "remarks"}),
        "此ID订单已修改，包裹已要回，请重新打单：{order}（运单{waybill}）。{remarks}",
    ),
    "desk_special": (
        frozenset({"order", "remarks"}),
        "此ID客户有特殊要求：{order}。{remarks}",
    ),
    "desk_void": (
        frozenset({"order", "waybill"}),
        "客户付款后不想购买，此ID订单已作废，请勿打单：{order}（运单{waybill}）",
    ),
    "refund_task": (
        frozenset({"order", "waybill"}),
        "确认已作废之后通知售后客服处理退款：订单{order}（运单{waybill}）",
    ),
    "warehouse_stock": (
        frozenset({"order", "goods"}),
        "客户特别着急，请确认库存后回复：订单{order}，{goods}",
    ),
}
SPECIAL_REQUEST_KINDS = ("carrier", "invoice", "card", "time", "other")
# A remark is written in the handbook's language whatever the agent's UI language: the order
# fields and transport modes it may quote, by name.
REMARK_FIELD_LABELS = {
    "address": "地址",
    "recipient_province": "收件省份",
    "recipient_city": "收件城市",
    "recipient_district": "收件区县",
    "recipient_address": "收件人地址",
    "recipient_name": "收件人姓名",
    "recipient_phone": "收件人电话",
    "required_arrival_at": "要求到达时间",
    "transport_mode": "运输方式",
}
REMARK_MODE_LABELS = {"road": "公路", "air": "空运", "rail": "铁路", "sea": "海运"}
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def remark_template_problems(key: str, text: str) -> list[str]:
    """What is wrong with a template's text: unknown placeholders, a signed remark without
    ``{date}`` and ``{name}`` (P4), or a brace that does not format."""
    allowed, _default = REMARK_TEMPLATES[key]
    problems = []
    used = set(_PLACEHOLDER_RE.findall(text or ""))
    unknown = sorted(used - allowed)
    if unknown:
        problems.append("unknown: " + ", ".join(unknown))
    for needed in ("date", "name"):
        if needed in allowed and needed not in used:
            problems.append(f"missing: {needed}")
    if not problems:
        try:
            text.format(**dict.fromkeys(allowed, ""))
        except (ValueError, IndexError, KeyError):
            problems.append("braces")
    return problems


def remark_render(template: str, /, *, on: date | None = None, **values) -> str:
    """A template with its placeholders filled; ``on`` becomes ``{date}`` as 2012.01.31."""
    if on is not None:
        values["date"] = on.strftime(REMARK_DATE_FORMAT)
    return template.format_map({k: str(v) for k, v in values.items()})


def goods_description(name: str, attrs: list[str], quantity: int) -> str:
    """A goods line as the remark quotes it: ``羊毛鞋（黑色，40）×2``."""
    shown = "，".join(a for a in attrs if (a or "").strip())
    return f"{name}（{shown}）×{quantity}" if shown else f"{name}×{quantity}"


# --- Cancellation hand-over (SHP-07) -------------------------------------------------------------
DESTROYED = "destroyed"  # papers torn up ("直接撕毁")
RESTOCKED = "restocked"  # goods handed to the warehouse back into stock ("交由仓库员入库")


def retrieval_dispositions(stage: str) -> frozenset[str]:
    """What may become of what was retrieved: printed papers are torn up; a packed parcel's
    papers torn up and its goods restocked."""
    if stage == PRINTED:
        return frozenset({DESTROYED})
    if stage == PACKED:
        return frozenset({DESTROYED, RESTOCKED})
    return frozenset()


# --- Transport mode (SHP-05) --------------------------------------------------------------------
COST, TIME, SAFETY, CUSTOMER_NEED = "cost", "time", "safety", "customer"
AIR = "air"


@dataclass(frozen=True)
class ModeRule:
    """One editable rule row: when every bound holds, suggest ``mode`` on ``ground``."""

    pk: int
    mode: str
    ground: str
    max_hours_to_arrival: int | None = None
    min_weight_kg: Decimal | None = None
    max_weight_kg: Decimal | None = None
    fragile: bool | None = None


@dataclass(frozen=True)
class CargoFacts:
    weight_kg: Decimal
    dangerous_goods: bool
    fragile: bool
    hours_to_arrival: float | None  # None: no required arrival


@dataclass(frozen=True)
class ModeSuggestion:
    mode: str
    ground: str
    rule_pk: int | None


def mode_rule_matches(rule: ModeRule, facts: CargoFacts) -> bool:
    if rule.mode == AIR and facts.dangerous_goods:
        return False  # dangerous goods never fly, whatever a rule says
    if rule.max_hours_to_arrival is not None and (
        facts.hours_to_arrival is None or facts.hours_to_arrival > rule.max_hours_to_arrival
    ):
        return False
    if rule.min_weight_kg is not None and facts.weight_kg < rule.min_weight_kg:
        return False
    if rule.max_weight_kg is not None and facts.weight_kg > rule.max_weight_kg:
        return False
    return rule.fragile is None or rule.fragile == facts.fragile


def transport_mode_suggest(
    facts: CargoFacts, mode_rules: list[ModeRule], *, fallback: str = "road"
) -> ModeSuggestion:
    """The first matching rule (in the given order) decides; none → ``fallback`` on cost."""
    for rule in mode_rules:
        if mode_rule_matches(rule, facts):
            return ModeSuggestion(rule.mode, rule.ground, rule.pk)
    return ModeSuggestion(fallback, COST, None)


def transport_mode_problem(mode: str, *, dangerous_goods: bool) -> str | None:
    return "dangerous_air" if mode == AIR and dangerous_goods else None


# --- Print batches (SHP-14, D1) -----------------------------------------------------------------
def printed_on_time(printed_at_local: datetime, day: date, deadline: time) -> bool:
    """Printed on ``day`` no later than the day's print deadline."""
    return printed_at_local.date() == day and printed_at_local.time() <= deadline
