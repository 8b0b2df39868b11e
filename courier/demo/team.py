"""The team's week and month (staffing services): a roster pattern, a published five-day roster
from today, a swap waiting for the supervisor, a leave request waiting for the supervisor, a month
of score events and the open settlement of last month."""

import datetime as dt

from django.utils import timezone

from staffing import selectors as staffing_selectors
from staffing.models import (
    Department,
    LeaveRequest,
    LeaveType,
    RosterEntry,
    RosterPattern,
    RosterPatternMember,
    RosterPatternStep,
    ScoreEvent,
    Settlement,
    ShiftType,
    SwapRequest,
)
from staffing.services.errors import StaffingError
from staffing.services.leave import leave_request_create
from staffing.services.roster import roster_generate, roster_publish
from staffing.services.scoring import score_event_record
from staffing.services.settlement import settlement_get
from staffing.services.swaps import swap_request_answer, swap_request_create

from .clock import Clock
from .people import Cast

ROSTER_DAYS = 5
PATTERN_NAME = "客服轮班（演示）"
# member, starting step: the agents alternate early (step 0) and late (step 1) shifts
MEMBERS = [("agent", 0), ("agent2", 1), ("presales", 0), ("aftersales", 1)]
STEPS = ["cs-early", "cs-late"]
OPEN_REQUESTS = ("requested", "awaiting_colleague", "awaiting_supervisor")

# Last score period: (login, rule, day of the period (1 = its payday), points or None, reason)
LAST_MONTH_EVENTS = [
    ("agent", "G8", 3, None, "发现并更正同事的地址错误，避免错发"),
    ("agent", "G9", 6, None, "订单确认后未关闭聊天窗口"),
    ("agent", "G11", 12, None, "大促期间无条件加班"),
    ("agent", "P1", 18, None, "客户特殊要求未备注"),
    ("agent", "G16", 25, None, "差评点名客服"),
    ("agent2", "G6", 5, 5, "建议的催件话术被采纳"),
    ("agent2", "G10", 9, None, "交班时工作未完成且未交接"),
    ("agent2", "A1", 20, None, "同意的退货未登记"),
    ("presales", "P4", 7, None, "备注没有签名和日期"),
    ("presales", "G8", 15, None, "发现仓库错发并拦截"),
    ("aftersales", "A5", 11, None, "未提醒客户保持商品完好"),
    ("aftersales", "G1", 22, None, "忘记打卡且两日内未说明"),
    ("printing", "D1", 14, None, "订单未按时打印，发货延误"),
]
# This month, so /scoring/me/ shows a running score: (login, rule, hours before the morning)
THIS_MONTH_EVENTS = [
    ("agent", "G8", 1, "核对出一单错误的收件电话"),
    ("agent2", "G9", 2, "订单确认后未关闭聊天窗口"),
]


def roster_days(clock: Clock) -> tuple[dt.date, dt.date]:
    """The five days of the published roster: today and the four days after."""
    return clock.today, clock.today + dt.timedelta(days=ROSTER_DAYS - 1)


def _pattern(department: Department, clock: Clock, cast: Cast) -> RosterPattern:
    """The rotation itself is configuration a supervisor keeps in the admin (no service)."""
    pattern = RosterPattern.objects.filter(name=PATTERN_NAME, department=department).first()
    if pattern is None:
        pattern = RosterPattern.objects.create(
            name=PATTERN_NAME,
            department=department,
            rotation_days=ROSTER_DAYS,
            start_date=clock.today,
        )
        for order, code in enumerate(STEPS):
            RosterPatternStep.objects.create(
                pattern=pattern, order=order, shift_type=ShiftType.objects.get(code=code)
            )
        for login, step in MEMBERS:
            RosterPatternMember.objects.create(
                pattern=pattern, employee=cast.employees[login], start_step=step
            )
    return pattern


def roster_ensure(cast: Cast, clock: Clock) -> RosterPattern:
    """STF-02: the supervisor generates and publishes the roster of the five days from today."""
    department = cast.employees["agent"].department
    pattern = _pattern(department, clock, cast)
    start, end = roster_days(clock)
    start = max(start, pattern.start_date)
    drafts_or_missing = RosterEntry.objects.filter(
        pattern=pattern, date__range=(start, end), status=RosterEntry.Status.PUBLISHED
    ).count() < len(MEMBERS) * ((end - start).days + 1)
    if drafts_or_missing:
        roster_generate(pattern, start, end, user=cast.users["supervisor"])
        roster_publish(pattern, start, end, user=cast.users["supervisor"])
    return pattern


def _days_ahead(clock: Clock, first: int):
    """The roster's days from ``first`` days ahead on (a holiday or a late shift may refuse)."""
    _start, end = roster_days(clock)
    day = clock.today + dt.timedelta(days=first)
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def swap_ensure(cast: Cast, clock: Clock) -> SwapRequest | None:
    """STF-03/STF-09: 张客服 asks 陈客服 to swap a shift two days or more ahead (STF-09's lead
    time); 陈客服 agreed, so it waits for the supervisor on /staff/approvals/."""
    requester, colleague = cast.employees["agent"], cast.employees["agent2"]
    swap = SwapRequest.objects.filter(requester=requester, state__in=OPEN_REQUESTS).first()
    if swap is not None:
        return swap
    for day in _days_ahead(clock, 2):
        try:
            swap = swap_request_create(
                requester=requester,
                colleague=colleague,
                date=day,
                reason="家里有事，想换到晚班",
                handover_note="早班的两单催件已写在交接本上",
            )
        except StaffingError:
            continue
        return swap_request_answer(swap.pk, colleague=colleague, accept=True, reason="可以")
    return None


def leave_ensure(cast: Cast, clock: Clock) -> LeaveRequest | None:
    """LEV-01/LEV-04: 刘售前 asks her direct supervisor for annual leave on a shift three days or
    more ahead (the notice it needs); it waits for the supervisor."""
    requester = cast.employees["presales"]
    leave = LeaveRequest.objects.filter(requester=requester, state__in=OPEN_REQUESTS).first()
    if leave is not None:
        return leave
    annual = LeaveType.objects.get(code="annual")
    for day in _days_ahead(clock, 3):
        entry = RosterEntry.objects.filter(
            employee=requester, date=day, pattern__isnull=False
        ).first()
        if entry is None:
            continue
        try:
            return leave_request_create(
                requester=requester, entry=entry, leave_type=annual, reason="回老家办事"
            )
        except StaffingError:
            continue
    return None


def _recorded(employee, rule_code: str, month: dt.date) -> bool:
    return ScoreEvent.objects.filter(
        employee=employee, rule__code=rule_code, month=month, kind="record"
    ).exists()


def this_period(clock: Clock, department_id: int) -> tuple[dt.date, dt.date]:
    """SCR-04: the label and first day of the score period today falls in (payday to payday)."""
    label = staffing_selectors.score_period_of(department_id, clock.today)
    return label, staffing_selectors.score_period_span(department_id, label)[0]


def last_month(clock: Clock, department_id: int) -> tuple[dt.date, dt.date]:
    """The label and first day of the score period before today's (the one to settle)."""
    _label, start = this_period(clock, department_id)
    label = staffing_selectors.score_period_of(department_id, start - dt.timedelta(days=1))
    return label, staffing_selectors.score_period_span(department_id, label)[0]


def scores_ensure(cast: Cast, clock: Clock) -> Settlement:
    """SCR-08/SCR-09: a month of the supervisor's score entries for the team, two more this month,
    and last month's settlement open for the supervisor to compute and submit (SCR-04/SCR-07)."""
    supervisor = cast.users["supervisor"]
    department_id = cast.employees["agent"].department_id
    month, start = last_month(clock, department_id)
    tz = timezone.get_current_timezone()
    for login, code, day, points, reason in LAST_MONTH_EVENTS:
        employee = cast.employees[login]
        if _recorded(employee, code, month):
            continue
        score_event_record(
            employee=employee,
            rule_code=code,
            source=None,
            # "day of the month" counts from the period's first day (its payday)
            occurred_at=dt.datetime.combine(
                start + dt.timedelta(days=day - 1), dt.time(10, 30), tzinfo=tz
            ),
            user=supervisor,
            reason=reason,
            points=points,
        )
    this_month, this_start = this_period(clock, department_id)
    for login, code, hours, reason in THIS_MONTH_EVENTS:
        employee = cast.employees[login]
        at = clock.before_morning(hours=hours)
        if timezone.localdate(at) < this_start or _recorded(employee, code, this_month):
            continue
        score_event_record(
            employee=employee,
            rule_code=code,
            source=None,
            occurred_at=at,
            user=supervisor,
            reason=reason,
        )
    return settlement_get(cast.employees["agent"].department, month)
