"""Pure rules of the shipments domain (no database)."""

import datetime
from decimal import Decimal

import pytest

from courier.shipments import rules

T16 = datetime.time(16, 0)


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("13812345678", True),
        ("+8619912345678", True),
        ("86 15012345678", True),
        ("010-62345678", True),
        ("0755-8765432", True),
        ("02162345678", True),
        ("021-62345678-123", True),
        ("12812345678", False),  # no 12x mobile prefix
        ("1381234567", False),  # 10 digits
        ("138123456789", False),
        ("62345678", False),  # landline without area code
        ("010-02345678", False),  # local numbers never start with 0
        ("abc", False),
        ("", False),
    ],
)
def test_phone_validation(phone, ok):
    """SHP-02: phones are Chinese mobiles or landlines with area code."""
    assert rules.phone_is_valid(phone) is ok


def test_phone_last4():
    """SHP-11: the admin searches by the last four digits of the phone."""
    assert rules.phone_last4("138-1234-5678") == "5678"
    assert rules.phone_last4("") == ""


def test_waybill_number_has_fixed_length_and_catches_typos():
    """SHP-06: waybill numbers are 12 digits with a Luhn check digit; a one-digit typo or an
    adjacent swap is caught."""
    number = rules.waybill_number_from(1234567890)
    assert number == "812345678906"
    assert len(number) == rules.WAYBILL_LENGTH
    assert rules.waybill_is_valid(number)
    for i in range(len(number) - 1):
        for d in "0123456789":
            if d != number[i]:
                typo = number[:i] + d + number[i + 1 :]
                assert not rules.waybill_is_valid(typo), typo
    swapped = number[:2] + number[3] + number[2] + number[4:]
    assert not rules.waybill_is_valid(swapped)
    assert not rules.waybill_is_valid("81234567890")
    assert not rules.waybill_is_valid("8123456789O6")


@pytest.mark.parametrize(
    ("paid", "in_stock", "made_to_order", "expected"),
    [
        (datetime.datetime(2026, 3, 2, 15, 59), True, False, datetime.date(2026, 3, 2)),
        (datetime.datetime(2026, 3, 2, 16, 0), True, False, datetime.date(2026, 3, 3)),
        (datetime.datetime(2026, 3, 2, 9, 0), False, False, datetime.date(2026, 3, 3)),
        (datetime.datetime(2026, 3, 2, 9, 0), False, True, datetime.date(2026, 3, 4)),
        (datetime.datetime(2026, 3, 2, 23, 30), True, True, datetime.date(2026, 3, 4)),
    ],
)
def test_promised_dispatch_date(paid, in_stock, made_to_order, expected):
    """SHP-08: in stock and paid before 16:00 → today, otherwise next day; made-to-order → within
    48 h of payment."""
    assert (
        rules.promised_dispatch_date(
            paid,
            in_stock=in_stock,
            made_to_order=made_to_order,
            cutoff=T16,
            made_to_order_hours=48,
        )
        == expected
    )


def test_promised_dispatch_uses_given_cutoff_and_lead_time():
    """SHP-08: the cut-off and the made-to-order lead time are inputs (editable data)."""
    paid = datetime.datetime(2026, 3, 2, 16, 30)
    assert rules.promised_dispatch_date(
        paid,
        in_stock=True,
        made_to_order=False,
        cutoff=datetime.time(17, 0),
        made_to_order_hours=48,
    ) == datetime.date(2026, 3, 2)
    assert rules.promised_dispatch_date(
        paid, in_stock=True, made_to_order=True, cutoff=T16, made_to_order_hours=72
    ) == datetime.date(2026, 3, 5)


def test_order_verification_problems():
    """SHP-03/SHP-04: goods, quantity, price, amount, address and stock checked; each failure is
    named by kind."""
    good = [rules.LineFacts("鞋", 2, Decimal("100"), Decimal("200"))]
    address = {
        "recipient_province": "广东省",
        "recipient_city": "深圳市",
        "recipient_district": "南山区",
        "recipient_address": "1号",
    }
    assert (
        rules.order_verification_problems(
            lines=good,
            declared_total=Decimal("200"),
            address_parts=address,
            in_stock=True,
            made_to_order=False,
        )
        == []
    )
    bad = rules.order_verification_problems(
        lines=[rules.LineFacts("鞋", 2, Decimal("100"), Decimal("150"))],
        declared_total=Decimal("200"),
        address_parts={**address, "recipient_district": " "},
        in_stock=False,
        made_to_order=False,
    )
    kinds = [k for k, _d in bad]
    assert kinds == ["price_anomaly", "price_anomaly", "address_error", "out_of_stock"]
    assert (
        rules.order_verification_problems(
            lines=good,
            declared_total=None,
            address_parts=address,
            in_stock=False,
            made_to_order=True,
        )
        == []
    )


@pytest.mark.parametrize(
    ("state", "modify", "cancel"),
    [
        ("created", "edit", "void"),
        ("printed", "edit_printed", "retrieve"),
        ("packed", "reprint", "retrieve"),
        ("picked_up", "aftersales", "recall"),
        ("in_transit", "aftersales", "recall"),
        ("out_for_delivery", "aftersales", "recall"),
        ("delivered", "refused", "refused"),
        ("cancelled", "refused", "refused"),
    ],
)
def test_modification_and_cancellation_routes(state, modify, cancel):
    """SHP-06/SHP-07: what a change or a cancellation does depends on the stage."""
    assert rules.modification_route(state) == modify
    assert rules.cancellation_route(state) == cancel


def test_modification_remark_format():
    """SHP-06: "customer requested X changed to Y, done — date, name"."""
    text = rules.modification_remark(
        "颜色",
        "红",
        "蓝",
        datetime.date(2026, 3, 2),
        "王五",
        template="客户拍下{old},要求修改成{new},已修改妥当---{date} {name}",
    )
    assert text == "客户拍下红,要求修改成蓝,已修改妥当---2026.03.02 王五"


def test_inspection_and_names():
    """DLV-01/DLV-02: only packing, count and appearance make an inspection abnormal; signer
    names compare ignoring spaces."""
    assert not rules.inspection_is_abnormal(
        packing_intact=True, count_matches=True, appearance_ok=True
    )
    for flags in [(False, True, True), (True, False, True), (True, True, False)]:
        assert rules.inspection_is_abnormal(
            packing_intact=flags[0], count_matches=flags[1], appearance_ok=flags[2]
        )
    assert rules.names_match("张 三", "张三")
    assert not rules.names_match("李四", "张三")


def test_id_number_mask():
    """SHP-09: an ID number is stored masked."""
    assert rules.id_number_mask("110101199003071234") == "110***********1234"
    assert rules.id_number_mask("1234567") == "*******"


def test_freight_responsibility():
    """RET-04: quality problem → company pays both ways, the customer prepays the return and is
    refunded on receipt; otherwise the customer pays the return leg."""
    quality = rules.freight_responsibility(quality_problem=True)
    assert quality == rules.FreightSplit("company", "company", True, True)
    other = rules.freight_responsibility(quality_problem=False)
    assert other == rules.FreightSplit("customer", "company", True, False)


def test_return_acceptance_and_exchange_guard():
    """RET-03/RET-07: returns need intact, complete, resaleable goods; an exchange ships only
    after the return is received or with a supervisor's approval."""
    assert rules.return_acceptable(intact=True, box_complete=True, resaleable=True)
    assert not rules.return_acceptable(intact=True, box_complete=False, resaleable=True)
    assert not rules.exchange_may_ship(return_received=False, supervisor_approved=False)
    assert rules.exchange_may_ship(return_received=False, supervisor_approved=True)
    assert rules.exchange_may_ship(return_received=True, supervisor_approved=False)


def test_retention_due_never_early():
    """DLV-06: due only strictly after the retention years; 29 February falls back to the 28th."""
    now = datetime.datetime(2026, 3, 1, 12, 0)
    assert rules.retention_due(datetime.datetime(2024, 3, 1, 11, 59), years=2, now=now)
    assert not rules.retention_due(datetime.datetime(2024, 3, 1, 12, 0), years=2, now=now)
    assert not rules.retention_due(datetime.datetime(2025, 3, 1), years=2, now=now)
    assert rules.retention_due(datetime.datetime(2025, 2, 28), years=1, now=now)
    assert not rules.retention_due(None, years=1, now=now)
    assert rules.years_before(datetime.datetime(2028, 2, 29), 1) == datetime.datetime(2027, 2, 28)
