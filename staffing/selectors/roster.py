"""Roster, swap, leave and attendance reads, one use case each, with the rows they need."""

import datetime as dt

from django.db.models import Q

from staffing.models import (
    CorrectionState,
    Employee,
    HandoverNote,
    Holiday,
    LeaveRequest,
    Punch,
    PunchCorrection,
    RequestState,
    RosterEntry,
    RosterKind,
    SwapRequest,
    TrainingRecord,
)
from staffing.models.swaps import OPEN_STATES
from staffing.rules.leave import LeaveFacts, sessions_overlap
from staffing.rules.swaps import SwapFacts

CHANGED = [RosterEntry.Cause.SWAP, RosterEntry.Cause.SWAP_BACK, RosterEntry.Cause.LEAVE]
ROSTER_PAGE_DAYS = (7, 28)  # "my roster" shows a week back and four weeks ahead
CALENDAR_FEED_DAYS = (30, 90)  # the iCalendar feed: a month back, a quarter ahead
RECENT_REQUESTS = 10  # my latest swaps, leave requests and punch corrections
HANDOVER_DAYS = 1  # unacknowledged handover notes of yesterday's and today's shifts


def holiday_dates(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(
        Holiday.objects.filter(date__range=(start, end), kind=Holiday.Kind.HOLIDAY).values_list(
            "date", flat=True
        )
    )


def month_range(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def roster_entries(employee_ids, dates, *, kind=RosterKind.DUTY):
    return (
        RosterEntry.objects.filter(employee_id__in=employee_ids, date__in=dates, kind=kind)
        .select_related("shift_type", "employee")
        .prefetch_related("shift_type__sessions")
    )


def employee_roster(employee: Employee, start: dt.date, end: dt.date):
    """Published entries of both rosters, with the holiday flag the page shows."""
    return (
        RosterEntry.objects.filter(
            employee=employee, date__range=(start, end), status=RosterEntry.Status.PUBLISHED
        )
        .select_related("shift_type", "swap", "leave")
        .prefetch_related("shift_type__sessions")
        .order_by("date", "kind")
    )


def on_duty(department_id: int, dates) -> dict[dt.date, list[RosterEntry]]:
    """Who works on each of ``dates`` (published duty roster, excluding approved leave)."""
    result = {d: [] for d in dates}
    qs = (
        RosterEntry.objects.filter(
            employee__department_id=department_id,
            date__in=list(dates),
            kind=RosterKind.DUTY,
            status=RosterEntry.Status.PUBLISHED,
            shift_type__isnull=False,
            leave__isnull=True,
        )
        .select_related("employee", "shift_type")
        .order_by("date", "shift_type__code", "employee__number")
    )
    for entry in qs:
        result[entry.date].append(entry)
    return result


def swap_entries(
    swap: SwapRequest, *, lock: bool = False
) -> dict[tuple[int, dt.date], RosterEntry]:
    """The duty entries of both people on the swap's days; with ``lock``, rows are locked in
    primary-key order first (no joins under FOR UPDATE) and then read fresh."""
    qs = RosterEntry.objects.filter(
        employee_id__in=[swap.requester_id, swap.colleague_id],
        date__in=swap.dates(),
        kind=RosterKind.DUTY,
        status=RosterEntry.Status.PUBLISHED,
    ).order_by("pk")
    if lock:
        list(qs.select_for_update().values_list("pk", flat=True))
    qs = qs.select_related("shift_type").prefetch_related("shift_type__sessions")
    return {(e.employee_id, e.date): e for e in qs}


def swap_facts(
    swap: SwapRequest, *, approver: Employee | None = None, entries=None, now=None
) -> SwapFacts:
    entries = entries if entries is not None else swap_entries(swap)
    first, last = month_range(swap.date)
    month_count = (
        SwapRequest.objects.filter(
            requester_id=swap.requester_id,
            state=RequestState.APPROVED,
            date__range=(first, last),
        )
        .exclude(pk=swap.pk)
        .count()
    )
    people, near = [swap.requester_id, swap.colleague_id], swap_near_dates(swap)
    adjacent = (
        SwapRequest.objects.filter(
            Q(requester_id__in=people) | Q(colleague_id__in=people),
            Q(date__in=near) | Q(back_date__in=near),
            state__in=swap_adjacent_states(approver),
        )
        .exclude(pk=swap.pk)
        .exists()
    )
    return swap_facts_of(
        swap,
        approver=approver,
        entries=entries,
        holidays=holiday_dates(min(swap.dates()), max(swap.dates())),
        month_count=month_count,
        adjacent=adjacent,
    )


def swap_near_dates(swap: SwapRequest) -> set[dt.date]:
    """The swap's days and the days next to them (no two swaps of one person side by side)."""
    return {d + dt.timedelta(days=k) for d in swap.dates() for k in (-1, 0, 1)}


def swap_adjacent_states(approver: Employee | None) -> list[str]:
    """Filing is refused next to any open or approved swap; at approval only approved ones count
    (of two requests filed at once, the first approved wins and the other is then refused)."""
    return [RequestState.APPROVED] if approver else [*OPEN_STATES, RequestState.APPROVED]


def swap_facts_of(
    swap: SwapRequest,
    *,
    approver: Employee | None,
    entries: dict,
    holidays: set[dt.date],
    month_count: int,
    adjacent: bool,
) -> SwapFacts:
    """The facts from rows already read (``swap_facts`` reads them for one swap, the approvals
    page for all of its swaps at once): ``entries`` by ``(employee_id, date)``."""
    people = [swap.requester_id, swap.colleague_id]
    starts, changes, unchanged = [], True, True
    for day in swap.dates():
        pair = [entries.get((pid, day)) for pid in people]
        if None in pair:
            changes = False
            continue
        if pair[0].shift_type_id == pair[1].shift_type_id:
            changes = False
        if any(e.change_cause in CHANGED for e in pair):
            unchanged = False
        starts += [e.starts_at() for e in pair if e.is_working]
    days = set(swap.dates())
    holiday_duty = any(
        e.is_working and e.date in holidays
        for (pid, day), e in entries.items()
        if pid in people and day in days
    )
    return SwapFacts(
        requested_at=swap.requested_at,
        first_start=min(starts) if starts else None,
        changes_something=changes and unchanged,
        holiday_duty=holiday_duty,
        month_count=month_count,
        adjacent_swap=adjacent,
        handover_note=swap.handover_note,
        has_supervisor=swap.requester.supervisor_id is not None,
        approver_is_direct_supervisor=(
            None if approver is None else approver.pk == swap.requester.supervisor_id
        ),
    )


def cover_busy(cover_id: int | None, entry: RosterEntry, *, exclude_leave=None) -> bool:
    """STF-08: the colleague asked to cover ``entry`` is already on duty then: a published duty
    shift of theirs (not on approved leave) or a shift they already cover overlaps one of its
    sessions (the day before too, for a session running past midnight)."""
    if cover_id is None or not entry.is_working:
        return False
    sessions = entry.session_times()
    days = [entry.date - dt.timedelta(days=1), entry.date, entry.date + dt.timedelta(days=1)]
    own = (
        RosterEntry.objects.filter(
            employee_id=cover_id,
            date__in=days,
            kind=RosterKind.DUTY,
            status=RosterEntry.Status.PUBLISHED,
            shift_type__isnull=False,
            leave__isnull=True,
        )
        .select_related("shift_type")
        .prefetch_related("shift_type__sessions")
    )
    covering = LeaveRequest.objects.filter(
        cover_id=cover_id,
        state__in=[*OPEN_STATES, RequestState.APPROVED],
        entry__date__in=days,
        entry__shift_type__isnull=False,
    ).select_related("entry__shift_type")
    if exclude_leave is not None:
        covering = covering.exclude(pk=exclude_leave)
    covered = [c.entry for c in covering.prefetch_related("entry__shift_type__sessions")]
    return any(sessions_overlap(sessions, other.session_times()) for other in [*own, *covered])


def leave_facts(leave: LeaveRequest, *, approver: Employee | None = None) -> LeaveFacts:
    entry = leave.entry
    swapped = entry.change_cause in (RosterEntry.Cause.SWAP, RosterEntry.Cause.SWAP_BACK) or (
        SwapRequest.objects.filter(
            Q(requester_id=entry.employee_id) | Q(colleague_id=entry.employee_id),
            Q(date=entry.date) | Q(back_date=entry.date),
            state__in=[*OPEN_STATES, RequestState.APPROVED],
        ).exists()
    )
    other_leave = (
        LeaveRequest.objects.filter(entry=entry, state__in=[*OPEN_STATES, RequestState.APPROVED])
        .exclude(pk=leave.pk)
        .exists()
    )
    return leave_facts_of(
        leave,
        approver=approver,
        swapped=swapped,
        other_leave=other_leave,
        holiday=entry.is_working and bool(holiday_dates(entry.date, entry.date)),
        busy=leave.cover_id != leave.requester_id
        and cover_busy(leave.cover_id, entry, exclude_leave=leave.pk),
    )


def leave_facts_of(
    leave: LeaveRequest,
    *,
    approver: Employee | None,
    swapped: bool,
    other_leave: bool,
    holiday: bool,
    busy: bool,
) -> LeaveFacts:
    """The facts from answers already read (``leave_facts`` reads them for one request, the
    approvals page for all of its requests at once): ``swapped`` the entry is (or is asked to
    be) swapped, ``other_leave`` another open or approved leave of the entry, ``holiday`` its
    day is a holiday, ``busy`` the cover is already on duty then (STF-08)."""
    entry = leave.entry
    start = entry.starts_at() if entry.is_working and entry.kind == RosterKind.DUTY else None
    swapped = swapped or entry.change_cause in (RosterEntry.Cause.SWAP, RosterEntry.Cause.SWAP_BACK)
    agreed = None
    if leave.cover_id and leave.cover_answered_at is not None:
        agreed = leave.state not in (RequestState.REJECTED,)
    elif leave.state == RequestState.AWAITING_SUPERVISOR and leave.leave_type.needs_cover:
        agreed = False
    return LeaveFacts(
        requested_at=leave.requested_at,
        shift_start=start,
        notice_hours=leave.leave_type.notice_hours,
        needs_cover=leave.leave_type.needs_cover,
        has_cover=leave.cover_id is not None,
        cover_is_requester=leave.cover_id == leave.requester_id,
        cover_agreed=agreed,
        swapped=swapped,
        holiday_duty=entry.is_working and holiday,
        late_shift=entry.is_working and entry.shift_type.is_late,
        addressed_to_direct_supervisor=(
            leave.requester.supervisor_id is not None
            and leave.addressed_to_id == leave.requester.supervisor_id
        ),
        duplicate=other_leave or entry.leave_id is not None,
        approver_is_direct_supervisor=(
            None if approver is None else approver.pk == leave.requester.supervisor_id
        ),
        cover_busy=busy,
    )


def corrections_applied_in_month(employee_id: int, day: dt.date, *, before=None) -> int:
    """ATT-02: the punch-correction applications filed for ``day``'s month, whatever their
    outcome (pending, approved or rejected); with ``before``, only those filed before that
    application (so approving one of the month's first three is never refused by a later one)."""
    first, last = month_range(day)
    qs = PunchCorrection.objects.filter(employee_id=employee_id, date__range=(first, last))
    if before is not None:
        qs = qs.filter(pk__lt=before)
    return qs.count()


def post_left_approved(employee_id: int, day: dt.date) -> dict[str, bool]:
    """STF-10: what approved change of ``day`` lets the employee be away from the post: an
    approved swap of theirs on that day (either leg), an approved leave (a colleague covering
    it, STF-08) of their shift that day."""
    swap = SwapRequest.objects.filter(
        Q(requester_id=employee_id) | Q(colleague_id=employee_id),
        Q(date=day) | Q(back_date=day),
        state=RequestState.APPROVED,
    ).exists()
    leave = LeaveRequest.objects.filter(
        requester_id=employee_id, entry__date=day, state=RequestState.APPROVED
    ).exists()
    return {"approved_swap": swap, "approved_leave": leave}


def punches_between(employee_id: int, start: dt.datetime, end: dt.datetime):
    return list(
        Punch.objects.filter(employee_id=employee_id, at__range=(start, end))
        .order_by("at")
        .values_list("at", "direction")
    )


def pending_for_supervisor(supervisor: Employee) -> dict:
    """The supervisor's approval page: open requests of their own direct reports."""
    swaps = list(
        SwapRequest.objects.filter(
            requester__supervisor=supervisor, state=RequestState.AWAITING_SUPERVISOR
        )
        .select_related("requester", "colleague", "requester__supervisor")
        .order_by("date", "pk")
    )
    leaves = list(
        LeaveRequest.objects.filter(
            requester__supervisor=supervisor, state=RequestState.AWAITING_SUPERVISOR
        )
        .select_related(
            "requester", "requester__supervisor", "cover", "leave_type", "entry__shift_type"
        )
        .prefetch_related("entry__shift_type__sessions")
        .order_by("entry__date", "pk")
    )
    corrections = list(
        PunchCorrection.objects.filter(
            employee__supervisor=supervisor, state=CorrectionState.PENDING
        )
        .select_related("employee")
        .order_by("date", "pk")
    )
    return {"swaps": swaps, "leaves": leaves, "corrections": corrections}


def requests_for_colleague(employee: Employee) -> dict:
    """Swaps and leave covers waiting for this employee's answer."""
    return {
        "swaps": list(
            SwapRequest.objects.filter(
                colleague=employee, state=RequestState.AWAITING_COLLEAGUE
            ).select_related("requester")
        ),
        "covers": list(
            LeaveRequest.objects.filter(
                cover=employee, state=RequestState.AWAITING_COLLEAGUE
            ).select_related("requester", "entry__shift_type", "leave_type")
        ),
    }


def roster_page(employee: Employee, today: dt.date) -> dict:
    """My roster page: both published rosters around ``today``, the holidays in that window,
    what waits for my answer, my latest requests and my colleagues' open handover notes."""
    start = today - dt.timedelta(days=ROSTER_PAGE_DAYS[0])
    end = today + dt.timedelta(days=ROSTER_PAGE_DAYS[1])
    entries = list(employee_roster(employee, start, end))
    return {
        "duty": [e for e in entries if e.kind == RosterKind.DUTY],
        "cleaning": [e for e in entries if e.kind == RosterKind.CLEANING and e.duty],
        "holidays": holiday_dates(start, end),
        "waiting": requests_for_colleague(employee),
        "my_swaps": SwapRequest.objects.filter(requester=employee)
        .select_related("colleague")
        .order_by("-requested_at")[:RECENT_REQUESTS],
        "my_leaves": LeaveRequest.objects.filter(requester=employee)
        .select_related("leave_type", "entry")
        .order_by("-requested_at")[:RECENT_REQUESTS],
        "my_corrections": PunchCorrection.objects.filter(employee=employee)[:RECENT_REQUESTS],
        # ORG-06: the employee's own training and exam results (nobody else's).
        "my_trainings": TrainingRecord.objects.filter(employee=employee).order_by("-held_on"),
        "handovers": HandoverNote.objects.filter(
            acknowledged_at__isnull=True,
            entry__date__range=(today - dt.timedelta(days=HANDOVER_DAYS), today),
            author__department_id=employee.department_id,
        )
        .exclude(author=employee)
        .select_related("author", "entry__shift_type"),
    }


def calendar_feed_entries(employee: Employee, today: dt.date):
    """The published roster the employee's iCalendar feed carries, around ``today``."""
    return employee_roster(
        employee,
        today - dt.timedelta(days=CALENDAR_FEED_DAYS[0]),
        today + dt.timedelta(days=CALENDAR_FEED_DAYS[1]),
    )


def pending_duty(department_id: int, pending: dict) -> dict[dt.date, list[RosterEntry]]:
    """Who is on duty on every day the pending swaps and leave requests touch (STF-09)."""
    dates = {d for s in pending["swaps"] for d in s.dates()}
    dates |= {leave.entry.date for leave in pending["leaves"]}
    return on_duty(department_id, sorted(dates)) if dates else {}


def employee_has_reports(employee: Employee) -> bool:
    """A supervisor with direct reports: the approval page and the chat-status forms are theirs."""
    return employee.reports.exists()
