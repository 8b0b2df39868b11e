import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints import rules

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
MAJOR = rules.Policy(response_minutes=30, resolution_minutes=240)
ORDINARY = rules.Policy(resolution_minutes=720)
PROBLEM = rules.Policy(response_minutes=5)
BUSINESS = rules.Policy(response_same_day=True)


def clock(**kw):
    base = {
        "respond_by": T0 + dt.timedelta(minutes=30),
        "resolve_by": T0 + dt.timedelta(minutes=240),
        "response_allowed_seconds": 1800,
        "resolution_allowed_seconds": 14400,
        "responded": False,
        "resolved": False,
        "paused": False,
        "response_warned": False,
        "resolution_warned": False,
        "response_breached": False,
        "resolution_breached": False,
        "level": 0,
    }
    base.update(kw)
    return rules.Clock(**base)


@pytest.mark.parametrize(
    ("policy", "respond", "resolve"),
    [
        (MAJOR, T0 + dt.timedelta(minutes=30), T0 + dt.timedelta(hours=4)),
        (ORDINARY, None, T0 + dt.timedelta(hours=12)),
        (PROBLEM, T0 + dt.timedelta(minutes=5), None),
        (BUSINESS, dt.datetime(2026, 3, 3, 0, 0, tzinfo=SH), None),
        (rules.Policy(), None, None),
    ],
)
def test_deadlines_per_policy(policy, respond, resolve):
    """CMP-03, CMP-04, CMP-05: major 30/240 min, ordinary solution 720 min, problem reply 5 min,
    a business company's complaint answered by the end of the local day."""
    assert rules.deadlines(policy, T0, tz="Asia/Shanghai") == (respond, resolve)


def test_paused_time_pushes_only_the_solution_deadline():
    """CMP-03: time awaiting the customer does not count toward the solution deadline."""
    respond, resolve = rules.deadlines(MAJOR, T0, paused_seconds=3600)
    assert respond == T0 + dt.timedelta(minutes=30)
    assert resolve == T0 + dt.timedelta(minutes=300)


@pytest.mark.parametrize(
    ("received", "cutoff", "expected"),
    [
        (dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH), dt.time(22), dt.datetime(2026, 3, 3, tzinfo=SH)),
        (
            dt.datetime(2026, 3, 2, 21, 59, tzinfo=SH),
            dt.time(22),
            dt.datetime(2026, 3, 3, tzinfo=SH),
        ),
        (
            dt.datetime(2026, 3, 2, 22, 0, tzinfo=SH),
            dt.time(22),
            dt.datetime(2026, 3, 4, tzinfo=SH),
        ),
        (dt.datetime(2026, 3, 2, 23, 30, tzinfo=SH), None, dt.datetime(2026, 3, 3, tzinfo=SH)),
        # 16:30 UTC is 00:30 the next day in Shanghai: the local day counts, not UTC's.
        (
            dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC),
            dt.time(22),
            dt.datetime(2026, 3, 4, tzinfo=SH),
        ),
        (
            dt.datetime(2026, 12, 31, 8, 0, tzinfo=SH),
            dt.time(22),
            dt.datetime(2027, 1, 1, tzinfo=SH),
        ),
    ],
)
def test_same_day_is_the_end_of_the_local_day(received, cutoff, expected):
    """CMP-05: "answered the same day" = by the end of the local day; late intake (after the
    cut-off) is due by the end of the next day."""
    assert rules.end_of_local_day(received, "Asia/Shanghai", cutoff) == expected


def test_warning_at_80_percent_of_allowed_time():
    """CMP-03: the assignee is warned when 80% of the time has passed (24 of 30 minutes)."""
    deadline = T0 + dt.timedelta(minutes=30)
    assert rules.warning_at(deadline, 1800, 80) == T0 + dt.timedelta(minutes=24)
    assert rules.warning_at(deadline, 1800, 50) == T0 + dt.timedelta(minutes=15)
    assert rules.warning_at(None, 1800, 80) is None
    assert rules.warning_at(deadline, 0, 80) is None


def test_pause_intervals_clipped_and_merged():
    """CMP-03: pause intervals are clipped to the clock and overlaps count once."""
    h = dt.timedelta(hours=1)
    pauses = [
        (T0 - h, T0 + h),
        (T0 + 2 * h, T0 + 3 * h),
        (T0 + 2.5 * h, T0 + 4 * h),
        (T0 + 5 * h, None),
    ]
    assert rules.paused_seconds_between(pauses, T0, T0 + 6 * h) == 3600 + 7200 + 3600
    assert rules.paused_seconds_between([], T0, T0 + h) == 0
    assert rules.paused_seconds_between([(T0 + 2 * h, T0 + 3 * h)], T0, T0 + h) == 0


def test_active_minutes_round_up_and_exclude_pauses():
    """CMP-03: minutes taken are active minutes, rounded up."""
    assert rules.active_minutes(T0, T0 + dt.timedelta(minutes=29, seconds=1)) == 30
    assert rules.active_minutes(T0, T0 + dt.timedelta(hours=5), paused_seconds=3600) == 240
    assert rules.active_minutes(T0, T0) == 0


def test_next_check_is_earliest_pending_warning_or_deadline():
    """CMP-03: the sweep looks at a complaint at its next warning or deadline, never otherwise."""
    assert rules.next_check_at(clock(), 80) == T0 + dt.timedelta(minutes=24)
    assert rules.next_check_at(clock(response_warned=True), 80) == T0 + dt.timedelta(minutes=30)
    responded = clock(responded=True)
    assert rules.next_check_at(responded, 80) == T0 + dt.timedelta(minutes=192)
    assert rules.next_check_at(
        clock(responded=True, resolution_warned=True), 80
    ) == T0 + dt.timedelta(minutes=240)
    assert rules.next_check_at(clock(responded=True, paused=True), 80) is None
    assert rules.next_check_at(clock(responded=True, resolved=True), 80) is None
    done_at_hq = clock(
        level=3,
        response_breached=True,
        resolution_breached=True,
        response_hq_missed=True,
        resolution_hq_missed=True,
    )
    assert rules.next_check_at(done_at_hq, 80) is None


@pytest.mark.parametrize(
    ("minutes", "kw", "expected"),
    [
        (10, {}, []),
        (24, {}, ["warn_response"]),
        (24, {"response_warned": True}, []),
        (30, {"response_warned": True}, ["breach_response", "escalate_response"]),
        (30, {}, ["breach_response", "escalate_response"]),
        (192, {"responded": True}, ["warn_resolution"]),
        (
            240,
            {"responded": True, "resolution_warned": True},
            ["breach_resolution", "escalate_resolution"],
        ),
        (240, {"responded": True, "paused": True}, []),
        (
            240,
            {"level": 3},
            ["breach_response", "breach_resolution", "hqmiss_response", "hqmiss_resolution"],
        ),
        (
            240,
            {"level": 3, "response_breached": True},
            ["breach_resolution", "hqmiss_response", "hqmiss_resolution"],
        ),
        (240, {"level": 2}, ["breach_response", "breach_resolution", "escalate_response"]),
        (999, {"responded": True, "resolved": True}, []),
    ],
)
def test_due_actions(minutes, kw, expected):
    """CMP-03: warn at 80%, escalate one level at the deadline, record the promise's breach
    when it passes; at HQ level record that HQ's deadline passed too."""
    assert rules.due_actions(clock(**kw), T0 + dt.timedelta(minutes=minutes), 80) == expected


@given(
    minutes=st.integers(min_value=1, max_value=100_000),
    paused=st.integers(min_value=0, max_value=10**6),
    percent=st.integers(min_value=1, max_value=99),
)
def test_warning_never_after_deadline_and_allowed_time_roundtrips(minutes, paused, percent):
    """CMP-03/CMP-04: for any policy the warning precedes the deadline and the allowed active
    time equals the policy's minutes whatever the pauses."""
    policy = rules.Policy(resolution_minutes=minutes)
    _, resolve = rules.deadlines(policy, T0, paused_seconds=paused)
    allowed = rules.allowed_seconds(T0, resolve, paused)
    assert allowed == minutes * 60
    warn = rules.warning_at(resolve, allowed, percent)
    assert T0 <= warn <= resolve


def test_levels_reopen_and_rates():
    """CMP-12: answer rate against 98%; reopen window; the ladder stops at HQ (level 3)."""
    assert [rules.next_level(n) for n in range(4)] == [1, 2, 3, None]
    closed = T0
    assert rules.reopen_allowed(closed, closed + dt.timedelta(days=7), 7) is True
    assert rules.reopen_allowed(closed, closed + dt.timedelta(days=7, seconds=1), 7) is False
    assert rules.reopen_allowed(None, closed, 7) is False
    assert rules.percentage(979, 1000) == Decimal("97.90")
    assert rules.percentage(0, 0) is None
    assert rules.target_met(Decimal("97.90"), Decimal("98")) is False
    assert rules.target_met(Decimal("98.00"), Decimal("98")) is True
    assert rules.target_met(None, Decimal("98")) is None
    assert rules.average([5, 4, 4]) == Decimal("4.33")
    assert rules.average([]) is None


HOLDER = {
    "level": 1,
    "holder_respond_by": T0 + dt.timedelta(minutes=60),
    "holder_resolve_by": T0 + dt.timedelta(minutes=270),
    "response_breached": True,
}


@pytest.mark.parametrize(
    ("minutes", "kw", "expected"),
    [
        # Escalated at +30 (promise breached then): the holder is warned at 80% of their own
        # 30 minutes and escalated at their own deadline; the promise is not acted on again.
        (53, {}, []),
        (54, {}, ["warn_response"]),
        (60, {"response_warned": True}, ["escalate_response"]),
        # The promised solution (240) passes before the holder's (270): recorded, no escalation.
        (240, {"responded": True}, ["breach_resolution", "warn_resolution"]),
        (240, {"responded": True, "resolution_warned": True}, ["breach_resolution"]),
        (
            270,
            {"responded": True, "resolution_breached": True, "resolution_warned": True},
            ["escalate_resolution"],
        ),
        # At HQ, HQ's own deadline passing is recorded once.
        (60, {"level": 3, "response_warned": True}, ["hqmiss_response"]),
        (60, {"level": 3, "response_hq_missed": True}, []),
    ],
)
def test_holder_deadlines_drive_escalation_and_the_promise_is_recorded(minutes, kw, expected):
    """CMP-03, CMP-04: after an escalation the new holder's internal deadlines drive the next
    escalation; the promise to the customer keeps its own time and is recorded as breached
    once when it passes, whichever of the two comes first."""
    c = clock(**{**HOLDER, "response_allowed_seconds": 1800, **kw})
    assert rules.due_actions(c, T0 + dt.timedelta(minutes=minutes), 80) == expected


def test_next_check_includes_the_promise_until_its_breach_is_recorded():
    """CMP-03, CMP-04: a holder whose own solution deadline (270) is later than the promise
    (240) is still looked at when the promise passes, and no more once it is recorded."""
    c = clock(**{**HOLDER, "responded": True, "resolution_warned": True})
    assert rules.next_check_at(c, 80) == T0 + dt.timedelta(minutes=240)
    recorded = clock(
        **{**HOLDER, "responded": True, "resolution_warned": True, "resolution_breached": True}
    )
    assert rules.next_check_at(recorded, 80) == T0 + dt.timedelta(minutes=270)
