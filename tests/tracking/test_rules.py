"""The pure tracking rules at their boundaries."""

import datetime as dt

import pytest

from tracking import rules
from tracking.rules import WorkRules

from .conftest import at

DUE = {"afternoon_starts": dt.time(12), "same_day_due": dt.time(18), "next_day_due": dt.time(12)}
ALL_ON = WorkRules(True, True, True, True, True)


@pytest.mark.parametrize(
    ("created", "due"),
    [
        ("00:00", at("2026-03-02", "18:00")),
        ("11:59", at("2026-03-02", "18:00")),
        ("12:00", at("2026-03-03", "12:00")),
        ("23:59", at("2026-03-03", "12:00")),
    ],
)
def test_follow_up_due_morning_same_day_afternoon_next_noon(created, due):
    """TRK-04: created in the morning → same day 18:00; from 12:00 → next day 12:00."""
    assert rules.follow_up_due_at(at("2026-03-02", created), **DUE) == due


def test_follow_up_due_across_month_end():
    """TRK-04: an afternoon call on the last day of a month is due on the 1st at noon."""
    assert rules.follow_up_due_at(at("2026-02-28", "16:00"), **DUE) == at("2026-03-01", "12:00")


@pytest.mark.parametrize(
    ("state", "status", "sub", "path"),
    [
        ("packed", "picked_up", "", ["pick_up"]),
        ("picked_up", "in_transit", "", ["depart"]),
        ("in_transit", "arrived_at_station", "", ["arrive_at_station"]),
        ("in_transit", "delivered", "", ["arrive_at_station", "send_out", "deliver"]),
        ("at_station", "delivered", "at_pickup_point", ["hand_over_at_counter"]),
        ("at_station", "at_pickup_point", "", []),
        ("out_for_delivery", "delivery_failed", "refused", ["fail_delivery"]),
        ("delivery_failed", "out_for_delivery", "", ["send_out"]),
        ("at_station", "in_transit", "", []),
        ("delivered", "delivery_failed", "", []),
        ("in_transit", "in_transit", "", []),
        ("in_transit", "exception", "damaged", []),
        ("created", "in_transit", "", []),
    ],
)
def test_events_move_the_shipment_forward_only(state, status, sub, path):
    """TRK-02 item 1: an event never moves a shipment backwards; unknown ground moves nothing."""
    assert rules.transition_path(state, status, sub) == path


@pytest.mark.parametrize(
    ("status", "sub", "work"),
    [
        ("delivered", "by_recipient", ["arrival"]),
        ("delivered", "by_proxy", ["arrival"]),
        ("delivered", "at_pickup_point", ["arrival"]),
        ("at_pickup_point", "", ["arrival"]),
        ("delivery_failed", "recipient_absent", ["redelivery"]),
        ("stale", "", ["chase"]),
        ("exception", "weather", ["chase"]),
        ("exception", "damaged", []),
        ("in_transit", "", []),
    ],
)
def test_event_work(status, sub, work):
    """TRK-03/04/05 item 3: which call each event opens (all rules on)."""
    assert rules.event_work(status, sub, ALL_ON) == work


def test_event_work_is_data():
    """TRK-03 item 3: with recipient confirmation off, only proxy and locker deliveries call."""
    off = WorkRules(False, True, True, True, False)
    assert rules.event_work("delivered", "by_recipient", off) == []
    assert rules.event_work("delivered", "", off) == []
    assert rules.event_work("delivered", "by_proxy", off) == ["arrival"]
    assert rules.event_work("delivery_failed", "refused", off) == []


def test_future_tolerance_and_stale_boundaries():
    """TRK-02: 10 minutes ahead is accepted, a second more is not; 24 h exactly is stale."""
    now = at("2026-03-02", "09:00")
    assert not rules.is_future(now + dt.timedelta(minutes=10), now, 10)
    assert rules.is_future(now + dt.timedelta(minutes=10, seconds=1), now, 10)
    assert rules.is_stale(now - dt.timedelta(hours=24), now, 24)
    assert not rules.is_stale(now - dt.timedelta(hours=23, minutes=59), now, 24)


def test_round_robin_and_rate():
    """TRK-04: round robin wraps; the rate is done ÷ required, None when nothing was due."""
    assert rules.round_robin_next([9, 3, 5], None) == 3
    assert rules.round_robin_next([3, 5, 9], 4) == 5
    assert rules.round_robin_next([3, 5, 9], 9) == 3
    assert rules.round_robin_next([], 3) is None
    assert rules.revisit_rate(3, 4) == 0.75
    assert rules.revisit_rate(0, 0) is None


def test_chase_runs_three_days():
    """TRK-05: a chase opened on day 1 runs until the same time 3 days later."""
    opened = at("2026-03-02", "09:00")
    assert rules.chase_until(opened, 3) == at("2026-03-05", "09:00")
    assert rules.chase_day_number(dt.date(2026, 3, 2), dt.date(2026, 3, 4)) == 3


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "*"), ("", "")]
)
def test_mask_name_hides_at_least_one_character(name, masked):
    """Item 10 (GB/T 41833-2022): a name keeps at most its first character."""
    assert rules.mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138********"),
        ("010-12345678", "010-********"),
        ("0755-1234567", "075*-*******"),
        ("1234567", "1******"),
        ("123456", "******"),
    ],
)
def test_mask_phone_hides_six_digits_and_the_last_four(phone, masked):
    """Item 10: at least 6 digits hidden, and never the last 4 shown (they are the gate)."""
    out = rules.mask_phone(phone)
    assert out == masked
    assert sum(c == "*" for c in out) >= 6
    assert out[-4:] == "****"


def test_mask_address_keeps_divisions_only():
    """Item 10: no street, unit or room; a municipality is named once."""
    assert rules.mask_address("广东省", "深圳市", "南山区") == "广东省深圳市南山区"
    assert rules.mask_address("上海市", "上海市", "静安区") == "上海市静安区"


def test_lookup_lock_boundary():
    """Item 10: the 5th wrong attempt locks."""
    assert not rules.lookup_locked(4, 5)
    assert rules.lookup_locked(5, 5)
