import datetime as dt

import pytest
import time_machine
from django.utils import translation

from courier.core.models import Notification
from staffing.models import RequestState, RosterChange, RosterEntry, SwapRequest
from staffing.rules.swaps import SwapFacts, swap_rules_check
from staffing.services.errors import RulesRefused, StaffingError
from staffing.services.swaps import (
    swap_request_answer,
    swap_request_approve,
    swap_request_create,
    swap_request_reject,
    swaps_expire,
)
from tests.staffing.factories import SupervisorFactory, at, entry, holiday, shift, team

pytestmark = pytest.mark.django_db
NOW = at("2026-03-02", "10:00")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people():
    supervisor, (a, b, c) = team(3)
    return supervisor, a, b, c


def _pair(a, b, day, mine="cs-early", theirs="cs-late"):
    return entry(a, day, mine), entry(b, day, theirs)


def _approved(a, b, day):
    return SwapRequest.objects.create(
        requester=a,
        colleague=b,
        date=dt.date.fromisoformat(day),
        state=RequestState.APPROVED,
        requested_at=NOW,
        expires_at=at(day, "09:00"),
    )


def _ready(a, b, day, **kwargs):
    """A swap the colleague has accepted, waiting for the supervisor."""
    swap = swap_request_create(
        requester=a,
        colleague=b,
        date=dt.date.fromisoformat(day),
        handover_note=kwargs.pop("note", "2 open complaints in the queue"),
        **kwargs,
    )
    return swap_request_answer(swap.pk, colleague=b, accept=True)


def _facts(**kw):
    base = {
        "requested_at": at("2026-03-09", "09:00"),
        "first_start": at("2026-03-10", "09:00"),
        "changes_something": True,
        "holiday_duty": False,
        "month_count": 0,
        "adjacent_swap": False,
        "handover_note": "open work",
        "has_supervisor": True,
    }
    base.update(kw)
    return SwapFacts(**base)


def _by_code(results):
    return {r.code: r for r in results}


def test_lead_time_boundary_and_both_languages():
    """STF-09: a swap requested 24 h before the shift is valid; 23 h 59 min before is last-minute
    and not valid; every rule carries its name and message in English and Chinese."""
    ok = _by_code(swap_rules_check(_facts(), lead_hours=24, monthly_limit=3))
    late = _by_code(
        swap_rules_check(
            _facts(requested_at=at("2026-03-09", "09:01")), lead_hours=24, monthly_limit=3
        )
    )
    assert ok["lead_time"].passed is True
    assert late["lead_time"].passed is False
    assert late["lead_time"].message_en.startswith("A swap must be requested at least 24 hours")
    assert (
        late["lead_time"].message_zh == "换班须在班次开始前至少 24 小时提出，临时通知换班不予生效。"
    )
    assert [r.code for r in late.values()] == [
        "shift",
        "lead_time",
        "holiday_duty",
        "monthly_limit",
        "no_consecutive",
        "handover_note",
        "direct_supervisor",
    ]
    with translation.override("en"):
        assert late["lead_time"].name == "Requested in advance"
    with translation.override("zh-hans"):
        assert late["lead_time"].name == "提前申请"


def test_lead_time_is_editable_data(clock, people):
    """STF-09: the lead time is a policy row: at 48 h a swap 40 h ahead is refused."""
    from staffing.models import StaffingPolicy

    _, a, b, _ = people
    _pair(a, b, "2026-03-04")  # starts 09:00 on the 4th: 47 h ahead
    policy = StaffingPolicy.current()
    policy.swap_lead_hours = 48
    policy.save()
    with pytest.raises(RulesRefused) as refused:
        swap_request_create(requester=a, colleague=b, date=dt.date(2026, 3, 4), handover_note="x")
    assert {r.code for r in refused.value.results if not r.passed} == {"lead_time"}
    policy.swap_lead_hours = 24
    policy.save()
    swap = swap_request_create(
        requester=a, colleague=b, date=dt.date(2026, 3, 4), handover_note="x"
    )
    assert swap.state == RequestState.AWAITING_COLLEAGUE


def test_full_flow_changes_both_entries_only_when_approved(
    clock, people, django_capture_on_commit_callbacks
):
    """STF-03, STF-09, STF-02: colleague agrees, the direct supervisor approves, and only then do
    both roster entries change, each with its cause recorded; both people are notified."""
    supervisor, a, b, _ = people
    mine, theirs = _pair(a, b, "2026-03-10")
    swap = swap_request_create(
        requester=a, colleague=b, date=dt.date(2026, 3, 10), handover_note="2 open complaints"
    )
    assert swap.state == RequestState.AWAITING_COLLEAGUE
    assert swap.expires_at == at("2026-03-10", "09:00")
    assert Notification.objects.filter(recipient=b.user).count() == 1
    swap = swap_request_answer(swap.pk, colleague=b, accept=True)
    assert swap.state == RequestState.AWAITING_SUPERVISOR
    mine.refresh_from_db()
    assert mine.shift_type.code == "cs-early"  # nothing changes before approval
    with django_capture_on_commit_callbacks(execute=True):
        swap = swap_request_approve(swap.pk, user=supervisor.user, reason="ok")
    assert swap.state == RequestState.APPROVED
    assert swap.decided_by == supervisor.user
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.shift_type.code, theirs.shift_type.code) == ("cs-late", "cs-early")
    assert (mine.change_cause, theirs.change_cause) == ("swap", "swap")
    assert mine.swap == swap and theirs.swap == swap
    changes = RosterChange.objects.filter(entry__in=[mine, theirs]).order_by("entry__employee")
    assert [(c.old_shift_type.code, c.new_shift_type.code, c.cause) for c in changes] == [
        ("cs-early", "cs-late", "swap"),
        ("cs-late", "cs-early", "swap"),
    ]
    decided = Notification.objects.filter(dedupe_key=f"swap:{swap.pk}:decided")
    assert {n.recipient for n in decided} == {a.user, b.user}


def test_swap_back_leg_changes_four_entries(clock, people):
    """STF-03, STF-05: with a swap-back leg the two exchange again on the back date, recorded as
    such; no leave may then be taken on the swapped or the swap-back shift."""
    supervisor, a, b, _ = people
    _pair(a, b, "2026-03-10")
    back_mine, back_theirs = _pair(a, b, "2026-03-14", mine="-", theirs="cs-early")
    swap = _ready(a, b, "2026-03-10", back_date=dt.date(2026, 3, 14))
    swap_request_approve(swap.pk, user=supervisor.user)
    back_mine.refresh_from_db()
    back_theirs.refresh_from_db()
    assert back_mine.shift_type.code == "cs-early" and back_theirs.shift_type is None
    assert back_mine.change_cause == RosterEntry.Cause.SWAP_BACK
    # STF-05: neither the swapped nor the swap-back shift can then be taken as leave.
    from staffing.models import LeaveType
    from staffing.services.leave import leave_request_create

    for shift_entry in (RosterEntry.objects.get(employee=a, date=dt.date(2026, 3, 10)), back_mine):
        with pytest.raises(RulesRefused) as refused:
            leave_request_create(
                requester=a, entry=shift_entry, leave_type=LeaveType.objects.get(code="emergency")
            )
        assert "not_swapped" in [r.code for r in refused.value.results if not r.passed]


def test_only_the_direct_supervisor_approves(clock, people):
    """STF-09: another supervisor's approval is refused and names the rule in both languages."""
    _, a, b, _ = people
    _pair(a, b, "2026-03-10")
    swap = _ready(a, b, "2026-03-10")
    other = SupervisorFactory()
    with pytest.raises(RulesRefused) as refused, translation.override("en"):
        swap_request_approve(swap.pk, user=other.user)
    failed = [r for r in refused.value.results if not r.passed]
    assert [r.code for r in failed] == ["direct_supervisor"]
    assert failed[0].message_zh == "只有申请人的直属主管才能审批此换班。"
    assert "Only the requester's direct supervisor may approve this swap." in str(
        refused.value.messages
    )
    swap.refresh_from_db()
    assert swap.state == RequestState.AWAITING_SUPERVISOR


def test_holiday_duty_cannot_be_swapped(clock, people):
    """STF-06: whoever is on duty on a public holiday may not swap."""
    _, a, b, _ = people
    holiday("2026-03-12", "Test holiday")
    _pair(a, b, "2026-03-12")
    with pytest.raises(RulesRefused) as refused:
        swap_request_create(requester=a, colleague=b, date=dt.date(2026, 3, 12), handover_note="x")
    assert [r.code for r in refused.value.results if not r.passed] == ["holiday_duty"]
    assert SwapRequest.objects.count() == 0


def test_third_swap_passes_fourth_needs_override_and_costs_g14(clock, people):
    """STF-07: the 3rd swap in a month is approved plainly; the 4th is refused without the
    supervisor's explicit override, and with it costs the requester 2 points (G14) once."""
    from staffing.models import ScoreEvent

    supervisor, a, b, c = people
    _approved(a, b, "2026-03-20")
    _approved(a, c, "2026-03-24")
    _pair(a, b, "2026-03-10")
    third = _ready(a, b, "2026-03-10")
    third = swap_request_approve(third.pk, user=supervisor.user)
    limit = next(r for r in third.rule_results if r["code"] == "monthly_limit")
    assert (limit["passed"], limit["message_en"]) == (True, "Swap 3 of at most 3 this month.")
    assert third.state == RequestState.APPROVED and third.limit_override is False
    assert ScoreEvent.objects.count() == 0

    _pair(a, c, "2026-03-17")
    fourth = _ready(a, c, "2026-03-17")
    assert fourth.state == RequestState.AWAITING_SUPERVISOR  # filing a 4th is allowed
    with pytest.raises(RulesRefused) as refused:
        swap_request_approve(fourth.pk, user=supervisor.user)
    limit = next(r for r in refused.value.results if r.code == "monthly_limit")
    assert (limit.passed, limit.overridable) == (False, True)
    assert limit.message_en.startswith("This would be swap 4 this month; at most 3")
    fourth = swap_request_approve(fourth.pk, user=supervisor.user, override=True, reason="urgent")
    assert fourth.state == RequestState.APPROVED and fourth.limit_override is True
    event = ScoreEvent.objects.get()
    assert (event.employee, event.rule.code, event.points) == (a, "G14", -2)
    assert event.recorded_by == supervisor.user


def test_month_boundary_counts_by_the_swap_date(clock, people):
    """STF-07: three swaps in February do not count against a swap on 1 March."""
    supervisor, a, b, c = people
    for day in ("2026-02-03", "2026-02-10", "2026-02-27"):
        _approved(a, b, day)
    _pair(a, c, "2026-03-05")
    swap = _ready(a, c, "2026-03-05")
    swap = swap_request_approve(swap.pk, user=supervisor.user)
    assert swap.state == RequestState.APPROVED and swap.limit_override is False
    # ...whereas a fourth on 28 February would have needed the override.
    for day in ("2026-03-20", "2026-03-24"):
        _approved(a, b, day)
    _pair(a, b, "2026-03-31")
    last = _ready(a, b, "2026-03-31")
    with pytest.raises(RulesRefused):
        swap_request_approve(last.pk, user=supervisor.user)


def test_no_consecutive_swaps(clock, people):
    """STF-07: a swap next to another swap day is refused; two days apart is fine."""
    _, a, b, c = people
    _approved(a, c, "2026-03-09")
    _pair(a, b, "2026-03-10")
    with pytest.raises(RulesRefused) as refused:
        swap_request_create(requester=a, colleague=b, date=dt.date(2026, 3, 10), handover_note="x")
    assert [r.code for r in refused.value.results if not r.passed] == ["no_consecutive"]
    _pair(a, b, "2026-03-11")
    swap = swap_request_create(
        requester=a, colleague=b, date=dt.date(2026, 3, 11), handover_note="x"
    )
    assert swap.state == RequestState.AWAITING_COLLEAGUE


def test_handover_note_required(clock, people):
    """STF-04: both sides hand over their work: a swap without a handover note is refused."""
    _, a, b, _ = people
    _pair(a, b, "2026-03-10")
    with pytest.raises(RulesRefused) as refused, translation.override("zh-hans"):
        swap_request_create(requester=a, colleague=b, date=dt.date(2026, 3, 10), handover_note=" ")
    assert [r.code for r in refused.value.results if not r.passed] == ["handover_note"]
    assert "换班双方必须交接清楚工作：请填写交接说明。" in refused.value.messages[0]


def test_same_shift_or_rest_is_nothing_to_swap(clock, people):
    """STF-03: swapping identical shifts, or with no roster entry, is refused."""
    _, a, b, c = people
    _pair(a, b, "2026-03-10", theirs="cs-early")
    with pytest.raises(RulesRefused):
        swap_request_create(requester=a, colleague=b, date=dt.date(2026, 3, 10), handover_note="x")
    with pytest.raises(RulesRefused):
        swap_request_create(requester=a, colleague=c, date=dt.date(2026, 3, 10), handover_note="x")
    with pytest.raises(StaffingError):
        swap_request_create(requester=a, colleague=a, date=dt.date(2026, 3, 10), handover_note="x")


def test_colleague_declines_and_rejection_keep_the_roster(clock, people):
    """STF-03, STF-09: a declined or rejected swap leaves both entries as published."""
    supervisor, a, b, c = people
    mine, _ = _pair(a, b, "2026-03-10")
    swap = swap_request_create(
        requester=a, colleague=b, date=dt.date(2026, 3, 10), handover_note="x"
    )
    with pytest.raises(StaffingError):
        swap_request_answer(swap.pk, colleague=c, accept=True)
    swap = swap_request_answer(swap.pk, colleague=b, accept=False, reason="busy")
    assert swap.state == RequestState.REJECTED
    _pair(a, c, "2026-03-13")
    swap = _ready(a, c, "2026-03-13")
    with pytest.raises(StaffingError):
        swap_request_reject(swap.pk, user=supervisor.user, reason="")
    swap = swap_request_reject(swap.pk, user=supervisor.user, reason="短缺人手")
    assert swap.state == RequestState.REJECTED
    with pytest.raises(StaffingError):
        swap_request_approve(swap.pk, user=supervisor.user)
    mine.refresh_from_db()
    assert mine.shift_type == shift("cs-early") and mine.change_cause == ""
    assert RosterChange.objects.count() == 0


def test_open_swaps_expire_when_the_shift_starts(clock, people):
    """STF-09: a swap not approved before the shift starts expires and cannot be approved."""
    supervisor, a, b, _ = people
    _pair(a, b, "2026-03-10")
    swap = _ready(a, b, "2026-03-10")
    assert swaps_expire(at("2026-03-10", "08:59")) == 0
    clock.move_to(at("2026-03-10", "09:00"))
    with pytest.raises(StaffingError):
        swap_request_approve(swap.pk, user=supervisor.user)
    assert swaps_expire() == 1
    swap.refresh_from_db()
    assert swap.state == RequestState.EXPIRED
    assert swaps_expire() == 0


def test_state_is_protected(clock, people):
    """STF-09: the swap state only changes through its transitions (django-fsm protected)."""
    _, a, b, _ = people
    swap = _approved(a, b, "2026-03-10")
    with pytest.raises(AttributeError):
        swap.state = RequestState.REQUESTED
