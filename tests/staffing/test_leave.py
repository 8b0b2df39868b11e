import pytest
import time_machine
from django.utils import translation

from courier.core.models import Notification
from staffing.models import LeaveRequest, Position, RequestState, RosterChange, RosterEntry
from staffing.services.errors import RulesRefused, StaffingError
from staffing.services.leave import (
    leave_request_answer,
    leave_request_approve,
    leave_request_create,
    leave_request_reject,
    leaves_expire,
)
from tests.factories import EmployeeFactory
from tests.staffing.factories import SupervisorFactory, at, entry, holiday, leave_type, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    supervisor, (a, b) = team(2)
    return supervisor, a, b


def _failed(exc):
    return [r.code for r in exc.value.results if not r.passed]


def _create(a, e, code, **kw):
    return leave_request_create(requester=a, entry=e, leave_type=leave_type(code), **kw)


def test_personal_leave_24h_vs_23h59(people):
    """LEV-02: personal leave requested 24 h before the shift passes; 23 h 59 min is too late."""
    _, a, b = people
    shift = entry(a, "2026-03-10")  # starts 09:00
    with (
        time_machine.travel(at("2026-03-09", "09:01"), tick=False),
        pytest.raises(RulesRefused) as refused,
    ):
        _create(a, shift, "personal", cover=b)
    assert _failed(refused) == ["notice"]
    notice = next(r for r in refused.value.results if r.code == "notice")
    assert notice.message_en == (
        "This leave must be requested at least 24 hours before the shift starts."
    )
    assert notice.message_zh == "此类假须在班次开始前至少 24 小时提出。"
    with time_machine.travel(at("2026-03-09", "09:00"), tick=False):
        leave = _create(a, shift, "personal", cover=b)
    assert leave.state == RequestState.AWAITING_COLLEAGUE


def test_emergency_leave_2h_vs_1h59(people):
    """LEV-03: emergency leave 2 h before the shift passes; 1 h 59 min before is refused."""
    _, a, _ = people
    shift = entry(a, "2026-03-10")
    with (
        time_machine.travel(at("2026-03-10", "07:01"), tick=False),
        pytest.raises(RulesRefused) as refused,
    ):
        _create(a, shift, "emergency")
    assert _failed(refused) == ["notice"]
    with time_machine.travel(at("2026-03-10", "07:00"), tick=False):
        leave = _create(a, shift, "emergency")
    assert leave.state == RequestState.AWAITING_SUPERVISOR
    assert leave.addressed_to == a.supervisor


def test_personal_leave_needs_a_colleague_who_agrees(people):
    """LEV-02, LEV-01: personal leave without a cover is refused; the cover's answer comes before
    the supervisor's; only approval marks the roster entry, with the cause recorded."""
    supervisor, a, b = people
    shift = entry(a, "2026-03-10")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        with pytest.raises(RulesRefused) as refused:
            _create(a, shift, "personal")
        assert _failed(refused) == ["cover"]
        leave = _create(a, shift, "personal", cover=b, reason="family")
        assert Notification.objects.filter(recipient=b.user).count() == 1
        with pytest.raises(StaffingError):
            leave_request_approve(leave.pk, user=supervisor.user)  # cover has not agreed yet
        leave = leave_request_answer(leave.pk, cover=b, accept=True)
        assert leave.state == RequestState.AWAITING_SUPERVISOR
        shift.refresh_from_db()
        assert shift.leave is None
        leave = leave_request_approve(leave.pk, user=supervisor.user, reason="ok")
    assert leave.state == RequestState.APPROVED
    shift.refresh_from_db()
    assert (shift.leave, shift.change_cause) == (leave, RosterEntry.Cause.LEAVE)
    assert RosterChange.objects.get(entry=shift).cause == "leave"
    decided = Notification.objects.filter(dedupe_key=f"leave:{leave.pk}:decided")
    assert {n.recipient for n in decided} == {a.user, b.user}


def test_cover_declines(people):
    """LEV-02: if the colleague declines to cover, the leave is rejected and nothing changes."""
    _, a, b = people
    shift = entry(a, "2026-03-10")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        leave = _create(a, shift, "personal", cover=b)
        leave = leave_request_answer(leave.pk, cover=b, accept=False, reason="sick myself")
    assert leave.state == RequestState.REJECTED
    shift.refresh_from_db()
    assert shift.leave is None and shift.change_cause == ""


@pytest.mark.parametrize("cause", [RosterEntry.Cause.SWAP, RosterEntry.Cause.SWAP_BACK])
def test_no_leave_on_swapped_or_swap_back_shift(people, cause):
    """STF-05: no leave on a swapped shift or on the swap-back shift."""
    _, a, _ = people
    shift = entry(a, "2026-03-10", change_cause=cause)
    with (
        time_machine.travel(at("2026-03-05", "10:00"), tick=False),
        pytest.raises(RulesRefused) as refused,
    ):
        _create(a, shift, "emergency")
    assert _failed(refused) == ["not_swapped"]


def test_no_leave_on_holiday_duty(people):
    """STF-06: whoever is on duty on a public holiday may not take leave; a normal day may."""
    _, a, _ = people
    holiday("2026-03-12", "Test holiday")
    on_holiday = entry(a, "2026-03-12")
    normal = entry(a, "2026-03-13")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        with pytest.raises(RulesRefused) as refused:
            _create(a, on_holiday, "emergency")
        assert _failed(refused) == ["holiday_duty"]
        assert _create(a, normal, "emergency").state == RequestState.AWAITING_SUPERVISOR


def test_no_leave_on_late_shift(people):
    """STF-08: no leave on a late/night shift: only a swap or a cover; an early shift may."""
    _, a, _ = people
    late = entry(a, "2026-03-10", "cs-late")
    with (
        time_machine.travel(at("2026-03-05", "10:00"), tick=False),
        translation.override("en"),
        pytest.raises(RulesRefused) as refused,
    ):
        _create(a, late, "emergency")
    assert _failed(refused) == ["late_shift"]
    assert "No leave on a late/night shift" in refused.value.messages[0]


def test_skip_level_request_is_invalid(people):
    """LEV-04: leave addressed to the manager (skip level) is refused; approval by a supervisor
    who is not the direct one is refused too."""
    supervisor, a, _ = people
    manager = EmployeeFactory(position=Position.MANAGER)
    supervisor.supervisor = manager
    supervisor.save()
    shift = entry(a, "2026-03-10")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        with pytest.raises(RulesRefused) as refused:
            _create(a, shift, "emergency", addressed_to=manager)
        assert _failed(refused) == ["direct_supervisor"]
        leave = _create(a, shift, "emergency")
        with pytest.raises(RulesRefused) as refused:
            leave_request_approve(leave.pk, user=manager.user)
        assert _failed(refused) == ["direct_supervisor"]
        with pytest.raises(StaffingError):
            leave_request_reject(leave.pk, user=SupervisorFactory().user, reason="no")
        leave = leave_request_reject(leave.pk, user=supervisor.user, reason="busy day")
    assert leave.state == RequestState.REJECTED


def test_unapproved_leave_expires_at_shift_start(people):
    """LEV-01: leave not approved before the shift starts never takes effect."""
    _, a, _ = people
    shift = entry(a, "2026-03-10")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        leave = _create(a, shift, "emergency")
    assert leaves_expire(at("2026-03-10", "08:59")) == 0
    assert leaves_expire(at("2026-03-10", "09:00")) == 1
    leave.refresh_from_db()
    assert leave.state == RequestState.EXPIRED
    assert LeaveRequest.objects.filter(state=RequestState.APPROVED).count() == 0


def test_no_leave_on_rest_day_or_twice(people):
    """LEV-01: leave is for a rostered shift, once."""
    _, a, _ = people
    rest = entry(a, "2026-03-10", "-")
    shift = entry(a, "2026-03-11")
    with time_machine.travel(at("2026-03-05", "10:00"), tick=False):
        with pytest.raises(RulesRefused):
            _create(a, rest, "emergency")
        _create(a, shift, "emergency")
        with pytest.raises(RulesRefused) as refused:
            _create(a, shift, "sick")
    assert _failed(refused) == ["shift"]
