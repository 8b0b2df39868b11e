"""STF-09: the facts the approval page's rules need, for one page of pending requests at once.

``roster.swap_facts`` and ``roster.leave_facts`` answer for one request with a few queries each;
here every kind of fact is one query for the whole page (the swaps' roster entries, holidays,
approved swaps of the month, swaps next to them; the leaves' swaps, other leaves, the covers'
duty and covers; the corrections of the month), then each request's facts are picked from those
rows in Python by the same builders (``swap_facts_of``, ``leave_facts_of``), so the page's
queries do not grow with its requests and the answers are the same as one by one.
"""

import datetime as dt

from django.db.models import Q

from staffing.models import (
    Employee,
    LeaveRequest,
    PunchCorrection,
    RequestState,
    RosterEntry,
    RosterKind,
    StaffingPolicy,
    SwapRequest,
)
from staffing.models.swaps import OPEN_STATES
from staffing.rules.leave import LeaveFacts, sessions_overlap
from staffing.rules.swaps import SwapFacts
from staffing.selectors.roster import (
    holiday_dates,
    leave_facts_of,
    month_range,
    swap_adjacent_states,
    swap_facts_of,
    swap_near_dates,
)

_LIVE = [*OPEN_STATES, RequestState.APPROVED]


def _duty(employee_ids, dates):
    return RosterEntry.objects.filter(
        employee_id__in=employee_ids,
        date__in=sorted(dates),
        kind=RosterKind.DUTY,
        status=RosterEntry.Status.PUBLISHED,
    )


def swaps_facts(swaps: list[SwapRequest], *, approver: Employee | None) -> dict[int, SwapFacts]:
    """``{swap.pk: SwapFacts}`` for ``swaps`` (with ``requester`` loaded): 5 queries, or none."""
    if not swaps:
        return {}
    people = {pid for s in swaps for pid in (s.requester_id, s.colleague_id)}
    dates = {d for s in swaps for d in s.dates()}
    entries = {
        (e.employee_id, e.date): e
        for e in _duty(people, dates)
        .select_related("shift_type")
        .prefetch_related("shift_type__sessions")
    }
    holidays = holiday_dates(min(dates), max(dates))
    months = [month_range(s.date) for s in swaps]
    approved = list(
        SwapRequest.objects.filter(
            requester_id__in={s.requester_id for s in swaps},
            state=RequestState.APPROVED,
            date__range=(min(m[0] for m in months), max(m[1] for m in months)),
        ).values_list("pk", "requester_id", "date")
    )
    near_all = set().union(*(swap_near_dates(s) for s in swaps))
    neighbours = list(
        SwapRequest.objects.filter(
            Q(requester_id__in=people) | Q(colleague_id__in=people),
            Q(date__in=sorted(near_all)) | Q(back_date__in=sorted(near_all)),
            state__in=swap_adjacent_states(approver),
        ).values_list("pk", "requester_id", "colleague_id", "date", "back_date")
    )
    facts = {}
    for swap, (first, last) in zip(swaps, months, strict=True):
        pair, near = {swap.requester_id, swap.colleague_id}, swap_near_dates(swap)
        facts[swap.pk] = swap_facts_of(
            swap,
            approver=approver,
            entries={k: e for k, e in entries.items() if k[0] in pair},
            holidays=holidays,
            month_count=sum(
                1
                for pk, requester, day in approved
                if requester == swap.requester_id and first <= day <= last and pk != swap.pk
            ),
            adjacent=any(
                pk != swap.pk
                and (requester in pair or colleague in pair)
                and (day in near or back in near)
                for pk, requester, colleague, day, back in neighbours
            ),
        )
    return facts


def _days_around(day: dt.date) -> set[dt.date]:
    return {day + dt.timedelta(days=k) for k in (-1, 0, 1)}


def _covers_busy(leaves: list[LeaveRequest]) -> dict[int, bool]:
    """STF-08 for every leave with a cover (as ``roster.cover_busy``): 4 queries, or none."""
    asked = [
        leave
        for leave in leaves
        if leave.cover_id is not None
        and leave.cover_id != leave.requester_id
        and leave.entry.is_working
    ]
    if not asked:
        return {}
    covers = {leave.cover_id for leave in asked}
    days = set().union(*(_days_around(leave.entry.date) for leave in asked))
    own = list(
        _duty(covers, days)
        .filter(shift_type__isnull=False, leave__isnull=True)
        .select_related("shift_type")
        .prefetch_related("shift_type__sessions")
    )
    covering = list(
        LeaveRequest.objects.filter(
            cover_id__in=covers,
            state__in=_LIVE,
            entry__date__in=sorted(days),
            entry__shift_type__isnull=False,
        )
        .select_related("entry__shift_type")
        .prefetch_related("entry__shift_type__sessions")
    )
    busy = {}
    for leave in asked:
        near = _days_around(leave.entry.date)
        others = [e for e in own if e.employee_id == leave.cover_id and e.date in near]
        others += [
            c.entry
            for c in covering
            if c.cover_id == leave.cover_id and c.entry.date in near and c.pk != leave.pk
        ]
        sessions = leave.entry.session_times()
        busy[leave.pk] = any(sessions_overlap(sessions, o.session_times()) for o in others)
    return busy


def leaves_facts(leaves: list[LeaveRequest], *, approver: Employee | None) -> dict[int, LeaveFacts]:
    """``{leave.pk: LeaveFacts}`` for ``leaves`` (with ``requester``, ``leave_type`` and
    ``entry__shift_type__sessions`` loaded): 3 queries, 4 more when some have a cover."""
    if not leaves:
        return {}
    entries = [leave.entry for leave in leaves]
    people = {e.employee_id for e in entries}
    dates = {e.date for e in entries}
    swaps = list(
        SwapRequest.objects.filter(
            Q(requester_id__in=people) | Q(colleague_id__in=people),
            Q(date__in=sorted(dates)) | Q(back_date__in=sorted(dates)),
            state__in=_LIVE,
        ).values_list("requester_id", "colleague_id", "date", "back_date")
    )
    live = list(
        LeaveRequest.objects.filter(
            entry_id__in={e.pk for e in entries}, state__in=_LIVE
        ).values_list("pk", "entry_id")
    )
    holidays = holiday_dates(min(dates), max(dates))
    busy = _covers_busy(leaves)
    facts = {}
    for leave in leaves:
        entry = leave.entry
        facts[leave.pk] = leave_facts_of(
            leave,
            approver=approver,
            swapped=any(
                entry.employee_id in (requester, colleague) and entry.date in (day, back)
                for requester, colleague, day, back in swaps
            ),
            other_leave=any(e == entry.pk and pk != leave.pk for pk, e in live),
            holiday=entry.date in holidays,
            busy=busy.get(leave.pk, False),
        )
    return facts


def corrections_applied(corrections: list[PunchCorrection]) -> dict[int, int]:
    """``{correction.pk: applications filed before it in its month}`` (ATT-02, as
    ``roster.corrections_applied_in_month(..., before=pk)``): 1 query, or none."""
    if not corrections:
        return {}
    months = [month_range(c.date) for c in corrections]
    filed = list(
        PunchCorrection.objects.filter(
            employee_id__in={c.employee_id for c in corrections},
            date__range=(min(m[0] for m in months), max(m[1] for m in months)),
        ).values_list("pk", "employee_id", "date")
    )
    return {
        c.pk: sum(
            1
            for pk, employee, day in filed
            if employee == c.employee_id and first <= day <= last and pk < c.pk
        )
        for c, (first, last) in zip(corrections, months, strict=True)
    }


def approvals_facts(pending: dict, *, approver: Employee) -> dict:
    """The facts of one page of ``pending_for_supervisor`` (``{"swaps", "leaves",
    "corrections"}``), by kind and primary key, and the ``policy`` (limits) they are judged by."""
    return {
        "policy": StaffingPolicy.current(),
        "swaps": swaps_facts(pending["swaps"], approver=approver),
        "leaves": leaves_facts(pending["leaves"], approver=approver),
        "corrections": corrections_applied(pending["corrections"]),
    }
