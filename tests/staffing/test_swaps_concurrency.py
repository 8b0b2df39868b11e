import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from staffing.models import (
    RequestState,
    RosterChange,
    RosterEntry,
    ShiftSession,
    ShiftType,
    SwapRequest,
)
from staffing.services.errors import StaffingError
from staffing.services.swaps import swap_request_answer, swap_request_approve, swap_request_create
from tests.staffing.factories import SupervisorFactory, at, entry, team

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def shift_types():
    """A transactional test may follow another one that flushed the seeded rows."""
    for code, is_late, sessions in (
        ("cs-early", False, [("09:00", "11:30"), ("12:30", "18:30")]),
        ("cs-late", True, [("13:00", "17:30"), ("18:30", "23:30")]),
    ):
        shift_type, created = ShiftType.objects.get_or_create(
            code=code, defaults={"name": code, "is_late": is_late}
        )
        if created:
            for order, (start, end) in enumerate(sessions, start=1):
                ShiftSession.objects.create(
                    shift_type=shift_type,
                    order=order,
                    start=dt.time.fromisoformat(start),
                    end=dt.time.fromisoformat(end),
                )


def _race(*calls):
    """Run the calls in threads released at the same moment; returns each outcome."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is asserted by the test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_double_approval_of_one_swap_exactly_one_wins():
    """STF-09: two approvals of the same swap at the same moment: exactly one wins and the
    roster entries change once."""
    with time_machine.travel(at("2026-03-02", "10:00"), tick=False):
        supervisor, (a, b) = team(2)
        entry(a, "2026-03-10", "cs-early")
        entry(b, "2026-03-10", "cs-late")
        swap = swap_request_create(
            requester=a, colleague=b, date=dt.date(2026, 3, 10), handover_note="x"
        )
        swap_request_answer(swap.pk, colleague=b, accept=True)
        outcomes = _race(
            lambda: swap_request_approve(swap.pk, user=supervisor.user),
            lambda: swap_request_approve(swap.pk, user=supervisor.user),
        )
    wins = [o for o in outcomes if isinstance(o, SwapRequest)]
    assert len(wins) == 1
    assert sum(isinstance(o, StaffingError) for o in outcomes) == 1
    assert SwapRequest.objects.get().state == RequestState.APPROVED
    assert RosterChange.objects.count() == 2
    assert RosterEntry.objects.get(employee=a).shift_type.code == "cs-late"


def test_two_supervisors_approving_overlapping_swaps_exactly_one_wins():
    """STF-09: two swaps filed at once over the same shift, approved at the same moment by two
    supervisors (each the direct one of their requester): exactly one wins, the other is refused
    because the roster already changed; the shift is exchanged once."""
    with time_machine.travel(at("2026-03-02", "10:00"), tick=False):
        sup1, (a, b) = team(2)
        sup2 = SupervisorFactory()
        c = team(1)[1][0]
        c.supervisor = sup2
        c.save()
        day = dt.date(2026, 3, 10)
        entry(a, day, "cs-early")
        entry(b, day, "cs-late")
        entry(c, day, "cs-late")
        common = {
            "date": day,
            "state": RequestState.AWAITING_SUPERVISOR,
            "requested_at": at("2026-03-02", "09:00"),
            "expires_at": at("2026-03-10", "09:00"),
            "handover_note": "x",
        }
        first = SwapRequest.objects.create(requester=a, colleague=b, **common)
        second = SwapRequest.objects.create(requester=c, colleague=a, **common)
        outcomes = _race(
            lambda: swap_request_approve(first.pk, user=sup1.user),
            lambda: swap_request_approve(second.pk, user=sup2.user),
        )
    assert sum(isinstance(o, SwapRequest) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, StaffingError) for o in outcomes) == 1, outcomes
    states = sorted(SwapRequest.objects.values_list("state", flat=True))
    assert states == [RequestState.APPROVED, RequestState.AWAITING_SUPERVISOR]
    assert RosterChange.objects.count() == 2
    assert RosterEntry.objects.get(employee=a).change_cause == "swap"
