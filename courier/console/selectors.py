"""What each role's home shows, composed from the domains' selectors (never their models).

Every figure comes with the link to the rows behind it (``courier.console.links``). Each home
costs a fixed number of queries whatever the number of rows (``tests/console``); the one
exception is the supervisor's approvals, whose rule checks cost a few queries per request, so
the board checks at most ``APPROVALS_WITH_RULES`` of them and links to the approval page for
the rest.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from complaints import selectors as complaints_selectors
from courier.console.links import change, changelist, ids
from staffing import selectors as staffing_selectors
from staffing.services import attendance as attendance_services
from staffing.services import leave as leave_services
from staffing.services import swaps as swap_services
from tracking import selectors as tracking_selectors

AGENT, SUPERVISOR, MANAGER, HQ = "agent", "supervisor", "manager", "hq"
ROLE_OF_POSITION = {
    "agent": AGENT,
    "presales": AGENT,
    "aftersales": AGENT,
    "supervisor": SUPERVISOR,
    "platform_supervisor": SUPERVISOR,
    "manager": MANAGER,
    "hq": HQ,
    "finance": HQ,
}
BREACH_HORIZON = dt.timedelta(hours=1)
APPROVALS_WITH_RULES = 5
MATRIX_DAYS = 7
OPEN = [str(s) for s in complaints_selectors.OPEN_STATES]


def local_date(now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def role_for(user, employee) -> str | None:
    """The home a login gets: by the employee's position; a superuser without one sees HQ's."""
    if employee is not None:
        return ROLE_OF_POSITION.get(employee.position)
    if user.is_superuser:
        return HQ
    return None


def percent(part: int, whole: int):
    """part / whole in percent with one decimal, ``None`` with nothing to measure."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


# --- the agent's queue -------------------------------------------------------------------------
def agent_home(employee, now: dt.datetime) -> dict:
    """My open complaints with the time left on the running clock, my calls and chases due by
    the end of today, my open contacts of today to route. 3 queries."""
    complaints = complaints_selectors.complaints_open_of_agent(employee.pk)
    for c in complaints:
        c.minutes_left = None if c.due_at is None else int((c.due_at - now).total_seconds() // 60)
        c.link = change("complaints_complaint", c.pk)
    queue = tracking_selectors.agent_queue(employee, local_date(now))
    return {
        "complaints": complaints,
        "complaints_link": changelist(
            "complaints_complaint", assigned_agent__in=[employee.pk], state__in=OPEN
        ),
        "calls": queue["calls"],
        "chases": queue["chases"],
        "contacts": queue["contacts"],
        "calls_link": ids("tracking_followuptask", queue["calls"]),
        "chases_link": ids("tracking_followuptask", queue["chases"]),
        "contacts_link": ids("tracking_contactlog", queue["contacts"]),
    }


# --- the supervisor's board --------------------------------------------------------------------
def _approvals(supervisor) -> dict:
    pending = staffing_selectors.pending_for_supervisor(supervisor)
    items = [("swap", s) for s in pending["swaps"]]
    items += [("leave", leave) for leave in pending["leaves"]]
    items += [("correction", c) for c in pending["corrections"]]
    checked = []
    for kind, obj in items[:APPROVALS_WITH_RULES]:
        if kind == "swap":
            results = swap_services.swap_rules_for(obj, approver=supervisor)
        elif kind == "leave":
            results = leave_services.leave_rules_for(obj, approver=supervisor)
        else:
            results = attendance_services.correction_rules_for(obj, approver=supervisor)
        checked.append({"kind": kind, "obj": obj, "rules": results})
    return {
        "count": len(items),
        "checked": checked,
        "more": max(0, len(items) - APPROVALS_WITH_RULES),
        "swaps_link": ids("staffing_swaprequest", pending["swaps"]),
        "leaves_link": ids("staffing_leaverequest", pending["leaves"]),
        "corrections_link": ids("staffing_punchcorrection", pending["corrections"]),
        "counts": {k: len(v) for k, v in pending.items()},
    }


def supervisor_board(employee, now: dt.datetime) -> dict:
    """CMP-03/04, TRK-04/05, STF-09: for the supervisor's department, the complaints whose
    first-response or solution clock passes within the hour and those already past, the
    unassigned open complaints, overdue calls and chases, the requests awaiting my approval
    with each rule's result, who is on duty now and next, and today's revisit rate."""
    department_id = employee.department_id
    members = staffing_selectors.department_members([department_id]).get(department_id, [])
    horizon = now + BREACH_HORIZON
    deadlines = complaints_selectors.complaint_deadlines(members, now, horizon)
    base = {"state__in": OPEN, "assigned_agent__in": members or [0]}
    overdue = tracking_selectors.overdue_work(members, now)
    today = local_date(now)
    revisit = tracking_selectors.revisit_figures(today)
    start = day_start(today)
    member_set = set(members)
    team_required = sum(a["required"] for a in revisit["agents"] if a["agent_id"] in member_set)
    team_done = sum(a["done"] for a in revisit["agents"] if a["agent_id"] in member_set)
    revisit_filter = {
        "due_at__gte": start,
        "due_at__lt": start + dt.timedelta(days=1),
        "state__in": ["open", "done"],
    }
    return {
        "respond_soon": deadlines["respond_soon"],
        "respond_soon_link": changelist(
            "complaints_complaint",
            **base,
            responded_at__isnull=True,
            respond_by__gte=now,
            respond_by__lt=horizon,
        ),
        "resolve_soon": deadlines["resolve_soon"],
        "resolve_soon_link": changelist(
            "complaints_complaint",
            **base,
            resolved_at__isnull=True,
            resolve_by__gte=now,
            resolve_by__lt=horizon,
        ),
        "respond_breached": deadlines["respond_breached"],
        "respond_breached_link": changelist(
            "complaints_complaint", **base, responded_at__isnull=True, respond_by__lt=now
        ),
        "resolve_breached": deadlines["resolve_breached"],
        "resolve_breached_link": changelist(
            "complaints_complaint", **base, resolved_at__isnull=True, resolve_by__lt=now
        ),
        "unassigned": complaints_selectors.complaints_unassigned_open_count(),
        "unassigned_link": changelist(
            "complaints_complaint", state__in=OPEN, assigned_agent__isnull=True
        ),
        "overdue_calls": overdue["calls"],
        "overdue_chases": overdue["chases"],
        "overdue_calls_link": ids("tracking_followuptask", overdue["calls"]),
        "overdue_chases_link": ids("tracking_followuptask", overdue["chases"]),
        "approvals": _approvals(employee),
        "duty": staffing_selectors.duty_now_and_next(department_id, now),
        "revisit": {
            "required": revisit["required"],
            "done": revisit["done"],
            "rate": percent(revisit["done"], revisit["required"]),
            "link": changelist("tracking_followuptask", **revisit_filter),
            "team_required": team_required,
            "team_done": team_done,
            "team_rate": percent(team_done, team_required),
            "team_link": changelist(
                "tracking_followuptask", **revisit_filter, assignee__in=members or [0]
            ),
        },
    }


# --- the manager's and HQ's view: branch x day (RPT-02) ---------------------------------------
def branch_matrix(start: dt.date, end: dt.date, department_ids=None) -> dict:
    """RPT-02: per branch (department) and local day, ``start``..``end``: first-response and
    solution SLA met %, revisit %, re-delivery success %; per branch, open incidents and the
    settlement state of the score period ``end`` falls in (SCR-04: payday to payday, 2 queries);
    per day, the hotline answer rate and orders processed within 24 h (CMP-12, measured: 3
    queries). 10 queries whatever the size."""
    departments = staffing_selectors.departments_listed(department_ids)
    wanted = [d.pk for d in departments]
    members = staffing_selectors.department_members(wanted)
    sla = complaints_selectors.sla_by_department_day(start, end)
    work = tracking_selectors.follow_up_by_department_day(start, end)
    incidents = complaints_selectors.incidents_open_by_department()
    settlements = staffing_selectors.settlements_of_period(end, wanted)
    levels = complaints_selectors.service_levels_by_day(start, end)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    rows = []
    for d in departments:
        people = members.get(d.pk, []) or [0]
        cells = []
        for day in days:
            lo, hi = day_start(day), day_start(day + dt.timedelta(days=1))
            resp = sla.get((d.pk, day, "response"), {"met": 0, "total": 0})
            reso = sla.get((d.pk, day, "resolution"), {"met": 0, "total": 0})
            w = work.get((d.pk, day), {"required": 0, "done": 0, "redelivery": 0, "redelivered": 0})
            tasks = {"assignee__in": people, "due_at__gte": lo, "due_at__lt": hi}
            cells.append(
                {
                    "day": day,
                    "response": {
                        **resp,
                        "rate": percent(resp["met"], resp["total"]),
                        "link": changelist(
                            "complaints_complaint",
                            assigned_agent__in=people,
                            responded_at__gte=lo,
                            responded_at__lt=hi,
                        ),
                    },
                    "resolution": {
                        **reso,
                        "rate": percent(reso["met"], reso["total"]),
                        "link": changelist(
                            "complaints_complaint",
                            assigned_agent__in=people,
                            resolved_at__gte=lo,
                            resolved_at__lt=hi,
                        ),
                    },
                    "revisit": {
                        "done": w["done"],
                        "required": w["required"],
                        "rate": percent(w["done"], w["required"]),
                        "link": changelist(
                            "tracking_followuptask", **tasks, state__in=["open", "done"]
                        ),
                    },
                    "redelivery": {
                        "volume": w["redelivery"],
                        "delivered": w["redelivered"],
                        "rate": percent(w["redelivered"], w["redelivery"]),
                        "link": changelist(
                            "tracking_followuptask",
                            **tasks,
                            reason="redelivery",
                            state__in=["open", "done"],
                        ),
                    },
                }
            )
        settlement = settlements.get(d.pk)
        rows.append(
            {
                "department": d,
                "cells": cells,
                "incidents": incidents.get(d.pk, 0),
                "incidents_link": changelist(
                    "complaints_incident", state="open", project_manager__in=people
                ),
                "settlement": settlement,
                "settlement_link": (
                    change("staffing_settlement", settlement.pk)
                    if settlement
                    else changelist("staffing_settlement", department__in=[d.pk])
                ),
            }
        )
    day_levels = []
    for day in days:
        lv = levels.get(day)
        day_levels.append(
            {
                "day": day,
                "answer_rate": lv["hotline_answer_rate"] if lv else None,
                "orders_rate": lv["orders_within_24h_rate"] if lv else None,
                "link": changelist("complaints_servicelevelday", day=day.isoformat()),
            }
        )
    return {
        "start": start,
        "end": end,
        "days": days,
        "rows": rows,
        "levels": day_levels,
        "incidents_total": sum(incidents.values()),
        "incidents_link": changelist("complaints_incident", state="open"),
    }


def manager_home(user, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    end = local_date(now)
    start = end - dt.timedelta(days=MATRIX_DAYS - 1)
    scope = staffing_selectors.department_scope(user)
    return branch_matrix(start, end, scope)


# --- the report page: charts and the stored runs (RPT-01..03, CMP-12) --------------------------
CHART_DAYS = 14
RUNS_LISTED = 20


def report_charts(start: dt.date, end: dt.date, department_ids=None) -> dict:
    """The figures behind the report page's charts, ``start``..``end``: per day the
    first-response and solution SLA met % and the revisit %, breaches by cause (category and
    clock), and per branch the SLA met % over the period; every figure only of
    ``department_ids`` when given (a supervisor's own branch). 5 queries whatever the size."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    sla = complaints_selectors.sla_by_day(start, end, department_ids)
    departments = staffing_selectors.departments_listed(department_ids)
    wanted = {d.pk for d in departments}
    work = tracking_selectors.follow_up_by_department_day(start, end)
    by_department = complaints_selectors.sla_by_department_day(start, end)
    causes = complaints_selectors.breaches_by_cause(
        day_start(start), day_start(end) + dt.timedelta(days=1), department_ids
    )
    revisit = {}
    for (department_id, day), w in work.items():
        if department_ids is None or department_id in wanted:
            r = revisit.setdefault(day, [0, 0])
            r[0] += w["done"]
            r[1] += w["required"]
    trend = []
    for day in days:
        resp = sla.get((day, "response"), {"met": 0, "total": 0})
        reso = sla.get((day, "resolution"), {"met": 0, "total": 0})
        done, required = revisit.get(day, (0, 0))
        trend.append(
            {
                "day": day,
                "response": percent(resp["met"], resp["total"]),
                "resolution": percent(reso["met"], reso["total"]),
                "revisit": percent(done, required),
            }
        )
    branches = []
    for d in departments:
        met = sum(v["met"] for k, v in by_department.items() if k[0] == d.pk)
        total = sum(v["total"] for k, v in by_department.items() if k[0] == d.pk)
        branches.append({"department": d, "met": met, "total": total, "rate": percent(met, total)})
    return {"days": days, "trend": trend, "causes": causes, "branches": branches}


def report_runs_latest(user, limit: int = RUNS_LISTED) -> list:
    """The latest stored runs of the reports ``user`` reads (two queries: the user's groups,
    the runs)."""
    from courier.core.models import ReportRun
    from courier.core.reports import report_runs_readable

    runs = report_runs_readable(user, ReportRun.objects.select_related("created_by"))
    return list(runs.order_by("-created_at", "-id")[:limit])
