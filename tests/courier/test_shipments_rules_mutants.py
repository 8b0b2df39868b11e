"""Boundary tests for ``courier.shipments.rules`` that kill the mutants the rule tests let
survive: each pins one comparison, default or produced value exactly."""

import datetime
from decimal import Decimal

from courier.shipments import rules


def test_phone_normalise_and_last4_exact():
    """SHP-02, SHP-11: spaces and brackets are dropped before validation; the last four digits
    ignore every separator; a missing phone gives empty strings."""
    assert rules.phone_normalise("(010) 6552 8888") == "01065528888"
    assert rules.phone_normalise(None) == ""
    assert rules.phone_normalise("") == ""
    assert rules.phone_last4("1381234567-8") == "5678"
    assert rules.phone_last4("138 1234 5678") == "5678"
    assert rules.phone_last4(None) == ""
    assert rules.phone_last4("") == ""


def test_waybill_check_digit_is_one_digit_and_fixed_length():
    """SHP-06: the Luhn check digit is a single digit (a sum divisible by 10 gives 0) and
    every generated number has exactly 12 digits, small random parts zero-padded."""
    assert rules.waybill_check_digit("0000000000") == "0"
    assert rules.waybill_number_from(0) == "800000000003"
    assert len(rules.waybill_number_from(7)) == rules.WAYBILL_LENGTH
    assert rules.waybill_is_valid(rules.waybill_number_from(7))


def test_waybill_of_wrong_length_is_invalid_even_with_a_good_check_digit():
    """SHP-06: a number with a correct Luhn digit but not 12 digits long is rejected."""
    assert rules.waybill_check_digit("1") == "8"  # so "18" passes Luhn
    assert rules.waybill_is_valid("18") is False
    assert rules.waybill_is_valid("") is False


def _line(name="鞋", quantity=1, unit_price="1", amount=None):
    price = Decimal(unit_price)
    return rules.LineFacts(
        name, quantity, price, Decimal(amount) if amount is not None else price * quantity
    )


def _problems(lines, *, address=None, in_stock=True, made_to_order=False, total=None):
    return rules.order_verification_problems(
        lines=lines,
        declared_total=total,
        address_parts=address or {"city": "深圳市"},
        in_stock=in_stock,
        made_to_order=made_to_order,
    )


def test_order_verification_goods_boundaries():
    """SHP-03, SHP-04: no lines, an empty name (with a good quantity) or a quantity of 0 are
    goods errors; a quantity of 1 at a unit price of 1 is fine; a price of 0 is an anomaly."""
    assert _problems([]) == [(rules.GOODS_ERROR, "no goods lines")]
    assert _problems([_line(quantity=1, unit_price="1")]) == []
    assert _problems([_line(name=" ", quantity=2)]) == [
        (rules.GOODS_ERROR, " : name or quantity missing")
    ]
    assert _problems([_line(quantity=0)]) == [(rules.GOODS_ERROR, "鞋: name or quantity missing")]
    assert _problems([_line(unit_price="0")]) == [(rules.PRICE_ANOMALY, "鞋: 1 x 0 != 0")]
    assert _problems([_line(unit_price="0.50")]) == []


def test_order_verification_address_and_stock_details():
    """SHP-03, SHP-04: a missing (None or blank) address part is named; goods neither in stock
    nor made to order are out of stock."""
    problems = _problems(
        [_line()], address={"city": None, "district": " ", "street": "1号"}, in_stock=False
    )
    assert problems == [
        (rules.ADDRESS_ERROR, "missing: city, district"),
        (rules.OUT_OF_STOCK, "not in stock"),
    ]


def test_modification_remark_fills_the_field():
    """SHP-06: the remark names the changed field."""
    template = "{field}: {old} → {new}, {date} {name}"
    assert (
        rules.modification_remark(
            "address", "旧", "新", datetime.date(2026, 3, 2), "王五", template=template
        )
        == "address: 旧 → 新, 2026.03.02 王五"
    )


def test_names_match_ignores_spaces_on_both_sides_and_missing_names():
    """DLV-01: names compare ignoring spaces on either side; two missing names match."""
    assert rules.names_match("张三", "张 三")
    assert rules.names_match("张 三", "张三")
    assert rules.names_match(None, "")
    assert rules.names_match("", None)
    assert not rules.names_match(None, "张三")


def test_id_number_mask_boundary():
    """SHP-09: up to 7 characters are fully masked; from 8 the first 3 and last 4 stay."""
    assert rules.id_number_mask("1234567") == "*******"
    assert rules.id_number_mask("12345678") == "123*5678"
    assert rules.id_number_mask(None) == ""
