"""Reads for the complaints use cases: reports, survey results, service levels, partner views."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncDate

from complaints import rules
from complaints.models import (
    OPEN_STATES,
    CallRecord,
    Complaint,
    ComplaintSettings,
    Escalation,
    EscalationTrigger,
    Incident,
    Milestone,
    Rectification,
    ServiceLevelDay,
    SlaMilestone,
    Survey,
)
from courier.shipments import selectors as shipments_selectors


def survey_by_token(token: str) -> Survey | None:
    return Survey.objects.select_related("complaint").filter(token=token).first()


def survey_results(*, since: dt.datetime | None = None, until: dt.datetime | None = None) -> dict:
    """CMP-13: answered surveys analysed per agent and per category (count, average, share of
    bad reviews)."""
    cfg = ComplaintSettings.load()
    qs = Survey.objects.filter(answered_at__isnull=False)
    if since:
        qs = qs.filter(answered_at__gte=since)
    if until:
        qs = qs.filter(answered_at__lt=until)
    bad = Count("pk", filter=Q(score__lte=cfg.bad_review_max_score))

    def rows(group_by):
        out = []
        for r in (
            qs.values(*group_by)
            .annotate(n=Count("pk"), avg=Avg("score"), bad=bad)
            .order_by(*group_by)
        ):
            out.append(
                {
                    **{k: r[k] for k in group_by},
                    "answered": r["n"],
                    "average": Decimal(str(r["avg"])).quantize(Decimal("0.01")),
                    "bad": r["bad"],
                }
            )
        return out

    sent = Survey.objects.count()
    answered = qs.count()
    return {
        "sent": sent,
        "answered": answered,
        "response_rate": rules.percentage(answered, sent),
        "by_agent": rows(["agent_id", "agent__name"]),
        "by_category": rows(["category"]),
    }


def service_levels(start: dt.date, end: dt.date) -> dict:
    """CMP-12 over ``start``..``end``: the share of orders processed within 24 h and the
    hotline answer rate, measured (``service_levels_by_day``), against the targets (data)."""
    cfg = ComplaintSettings.load()
    days = service_levels_by_day(start, end)
    total = {k: sum(d[k] for d in days.values()) for k in LEVEL_FIGURES}
    order_rate = rules.percentage(total["orders_within_24h"], total["orders_received"])
    answer_rate = rules.percentage(total["calls_answered"], total["calls_offered"])
    return {
        "days": sum(1 for d in days.values() if d["orders_received"] or d["calls_offered"]),
        **total,
        "corrected_days": sum(1 for d in days.values() if d["corrected"]),
        "orders_within_24h_rate": order_rate,
        "orders_target": cfg.order_24h_target,
        "orders_target_met": rules.target_met(order_rate, cfg.order_24h_target),
        "hotline_answer_rate": answer_rate,
        "hotline_target": cfg.hotline_answer_target,
        "hotline_target_met": rules.target_met(answer_rate, cfg.hotline_answer_target),
    }


def sla_report(since: dt.datetime, until: dt.datetime) -> dict:
    """CMP-03/04: per milestone, how many were met and breached and the average minutes."""
    out = {}
    # exclude, not filter(is_sandbox=False): a complaint with no partner (a customer's own
    # call) has no partner row and must still count.
    qs = SlaMilestone.objects.filter(done_at__gte=since, done_at__lt=until).exclude(
        complaint__partner__is_sandbox=True
    )
    for r in (
        qs.order_by()
        .values("milestone")
        .annotate(
            n_met=Count("pk", filter=Q(met=True)),
            n_breached=Count("pk", filter=Q(met=False)),
            avg=Avg("minutes_taken"),
        )
    ):
        out[r["milestone"]] = {
            "met": r["n_met"],
            "breached": r["n_breached"],
            "average_minutes": round(r["avg"] or 0, 1),
        }
    return out


def survey_is_bad_review_of_agent(survey: Survey) -> bool:
    """CMP-13 / G16: an answered survey scoring at most the bad-review mark, naming an agent."""
    threshold = ComplaintSettings.load().bad_review_max_score
    return survey.score is not None and survey.score <= threshold and survey.agent_id is not None


# --- the ops console (courier.console): each role's home and the RPT reports -------------------
def _local_tz():
    return ZoneInfo(settings.TIME_ZONE)


def complaints_open_of_agent(employee_id: int) -> list[Complaint]:
    """The agent's open complaints, the one nearest its deadline first; each carries ``due_at``
    (the running clock: first response until answered, then the solution). One query."""
    rows = list(
        Complaint.objects.filter(assigned_agent_id=employee_id, state__in=OPEN_STATES).order_by(
            "pk"
        )
    )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    for c in rows:
        c.due_at = c.respond_by if c.responded_at is None else c.resolve_by
        c.due_milestone = Milestone.RESPONSE if c.responded_at is None else Milestone.RESOLUTION
    rows.sort(key=lambda c: (c.due_at or far, c.pk))
    return rows


def complaint_deadlines(agent_ids, now: dt.datetime, horizon: dt.datetime) -> dict:
    """CMP-03/04 on the supervisor's board: open complaints of ``agent_ids`` whose first-response
    or solution clock has passed (``*_breached``: deadline before ``now``) or passes before
    ``horizon`` (``*_soon``: ``now`` ≤ deadline < ``horizon``). One query."""
    rows = list(
        Complaint.objects.filter(state__in=OPEN_STATES, assigned_agent_id__in=list(agent_ids))
        .filter(
            Q(responded_at__isnull=True, respond_by__lt=horizon)
            | Q(resolved_at__isnull=True, resolve_by__lt=horizon)
        )
        .select_related("assigned_agent")
        .order_by("pk")
    )
    out = {"respond_soon": [], "respond_breached": [], "resolve_soon": [], "resolve_breached": []}
    for c in rows:
        if c.responded_at is None and c.respond_by is not None and c.respond_by < horizon:
            out["respond_breached" if c.respond_by < now else "respond_soon"].append(c)
        if c.resolved_at is None and c.resolve_by is not None and c.resolve_by < horizon:
            out["resolve_breached" if c.resolve_by < now else "resolve_soon"].append(c)
    for key in ("respond_soon", "respond_breached"):
        out[key].sort(key=lambda c: (c.respond_by, c.pk))
    for key in ("resolve_soon", "resolve_breached"):
        out[key].sort(key=lambda c: (c.resolve_by, c.pk))
    return out


def complaints_unassigned_open_count() -> int:
    return Complaint.objects.filter(state__in=OPEN_STATES, assigned_agent__isnull=True).count()


def sla_by_department_day(start: dt.date, end: dt.date) -> dict:
    """RPT-02/03: milestones done per (department of the assigned agent, local day, milestone):
    ``{(department_id, day, milestone): {"met": n, "total": n}}``, days ``start``..``end``
    inclusive. One query."""
    tz = _local_tz()
    since = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    rows = (
        SlaMilestone.objects.filter(done_at__gte=since, done_at__lt=until)
        .exclude(complaint__partner__is_sandbox=True)  # no partner: a customer's own
        .annotate(day=TruncDate("done_at", tzinfo=tz))
        .order_by()
        .values("complaint__assigned_agent__department_id", "day", "milestone")
        .annotate(n_met=Count("pk", filter=Q(met=True)), total=Count("pk"))
    )
    return {
        (r["complaint__assigned_agent__department_id"], r["day"], r["milestone"]): {
            "met": r["n_met"],
            "total": r["total"],
        }
        for r in rows
    }


def incidents_open_by_department() -> dict:
    """INC-01: open incidents per department of their project manager (``None``: no project
    manager), one query."""
    return {
        r["project_manager__department_id"]: r["n"]
        for r in Incident.objects.filter(state=Incident.State.OPEN)
        .order_by()
        .values("project_manager__department_id")
        .annotate(n=Count("pk"))
    }


def sla_compliance(since: dt.datetime, until: dt.datetime) -> list[dict]:
    """RPT-03 (CMP-03/04): milestones done in ``[since, until)`` per assigned agent, with the
    agent's team (their supervisor) and branch (department), first response and solution
    separately: met, breached and the share met. One query."""
    rows = (
        SlaMilestone.objects.filter(done_at__gte=since, done_at__lt=until)
        .exclude(complaint__partner__is_sandbox=True)  # no partner: a customer's own
        .order_by()
        .values(
            "milestone",
            "complaint__assigned_agent_id",
            "complaint__assigned_agent__name",
            "complaint__assigned_agent__supervisor__name",
            "complaint__assigned_agent__department__code",
        )
        .annotate(
            n_met=Count("pk", filter=Q(met=True)), n_breached=Count("pk", filter=Q(met=False))
        )
    )
    out = [
        {
            "milestone": r["milestone"],
            "agent_id": r["complaint__assigned_agent_id"],
            "agent": r["complaint__assigned_agent__name"] or "",
            "team": r["complaint__assigned_agent__supervisor__name"] or "",
            "branch": r["complaint__assigned_agent__department__code"] or "",
            "met": r["n_met"],
            "breached": r["n_breached"],
            "rate": rules.percentage(r["n_met"], r["n_met"] + r["n_breached"]),
        }
        for r in rows
    ]
    order = {Milestone.RESPONSE: 0, Milestone.RESOLUTION: 1}
    out.sort(key=lambda r: (order.get(r["milestone"], 9), r["branch"], r["team"], r["agent"]))
    return out


def sla_breaches(since: dt.datetime, until: dt.datetime) -> list[dict]:
    """RPT-03: every milestone breached in ``[since, until)``: the complaint, which clock, its
    deadline and when it was done, who failed it (the assigned agent, their team and branch)
    and why (what the escalation ledger recorded when that deadline passed, else the
    complaint's category and severity). Two queries."""
    breaches = list(
        SlaMilestone.objects.filter(done_at__gte=since, done_at__lt=until, met=False)
        .exclude(complaint__partner__is_sandbox=True)  # no partner: a customer's own
        .select_related(
            "complaint__assigned_agent__supervisor", "complaint__assigned_agent__department"
        )
        .order_by("done_at", "pk")
    )
    trigger_of = {
        Milestone.RESPONSE: EscalationTrigger.RESPONSE_BREACH,
        Milestone.RESOLUTION: EscalationTrigger.RESOLUTION_BREACH,
    }
    reasons: dict = {}
    for e in Escalation.objects.filter(
        complaint_id__in={b.complaint_id for b in breaches},
        trigger__in=list(trigger_of.values()),
    ).order_by("escalated_at", "pk"):
        reasons.setdefault((e.complaint_id, e.trigger), e)
    out = []
    for b in breaches:
        c = b.complaint
        agent = c.assigned_agent
        esc = reasons.get((c.pk, trigger_of.get(b.milestone)))
        late = None
        if b.due_at is not None:
            late = max(0, int((b.done_at - b.due_at).total_seconds() // 60))
        why = [str(c.get_category_display()), str(c.get_severity_display())]
        if esc is not None:
            why.insert(0, esc.reason or str(EscalationTrigger(esc.trigger).label))
        out.append(
            {
                "complaint_id": c.pk,
                "milestone": b.milestone,
                "due_at": b.due_at,
                "done_at": b.done_at,
                "minutes_late": late,
                "agent": agent.name if agent else "",
                "team": agent.supervisor.name if agent and agent.supervisor_id else "",
                "branch": agent.department.code if agent else "",
                "escalated_to_level": esc.to_level if esc else None,
                "why": "; ".join(why),
            }
        )
    return out


LEVEL_FIGURES = ("orders_received", "orders_within_24h", "calls_offered", "calls_answered")


def calls_by_day(start: dt.date, end: dt.date) -> dict:
    """CMP-12: imported hotline calls per local day of their start: offered and answered.
    One query."""
    tz = _local_tz()
    since = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    rows = (
        CallRecord.objects.filter(started_at__gte=since, started_at__lt=until)
        .annotate(day=TruncDate("started_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(offered=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )
    return {r["day"]: {"offered": r["offered"], "answered": r["answered"]} for r in rows}


def service_levels_by_day(start: dt.date, end: dt.date) -> dict:
    """CMP-12 for every day ``start``..``end``: orders received and processed within 24 h
    (from the orders' timestamps), hotline calls offered and answered (from the imported call
    records) and both rates. A typed correction (``ServiceLevelDay``, with its reason)
    replaces that day's measured orders, calls or both (the pair it fills): ``corrected`` and
    ``reason`` say so. Three queries."""
    orders = shipments_selectors.orders_processed_by_day(start, end, _local_tz())
    calls = calls_by_day(start, end)
    corrections = {r.day: r for r in ServiceLevelDay.objects.filter(day__gte=start, day__lte=end)}
    out = {}
    day = start
    while day <= end:
        fix = corrections.get(day)
        o = orders.get(day, {"received": 0, "within": 0})
        c = calls.get(day, {"offered": 0, "answered": 0})
        figures = {
            "orders_received": o["received"],
            "orders_within_24h": o["within"],
            "calls_offered": c["offered"],
            "calls_answered": c["answered"],
        }
        if fix is not None and fix.corrects_orders:
            figures["orders_received"] = fix.orders_received or 0
            figures["orders_within_24h"] = fix.orders_within_24h or 0
        if fix is not None and fix.corrects_calls:
            figures["calls_offered"] = fix.calls_offered or 0
            figures["calls_answered"] = fix.calls_answered or 0
        out[day] = {
            **figures,
            "orders_within_24h_rate": rules.percentage(
                figures["orders_within_24h"], figures["orders_received"]
            ),
            "hotline_answer_rate": rules.percentage(
                figures["calls_answered"], figures["calls_offered"]
            ),
            "corrected": fix is not None,
            "reason": fix.reason if fix is not None else "",
        }
        day += dt.timedelta(days=1)
    return out


def retention_holds(order_ids: list[int]) -> dict[int, str]:
    """DLV-06: orders an open complaint, an undecided complaint claim or an open shop-platform
    refund/dispute case still needs (a hold provider registered with
    ``courier.shipments.services.holds``)."""
    from complaints.models import ComplaintClaim, PlatformCase

    held: dict[int, str] = {}
    queries = (
        (
            "open complaint",
            Complaint.objects.filter(shipment__order_id__in=order_ids, state__in=OPEN_STATES),
            "shipment__order_id",
        ),
        (
            "open claim",
            ComplaintClaim.objects.filter(
                complaint__shipment__order_id__in=order_ids,
                state=ComplaintClaim.State.PROPOSED,
            ),
            "complaint__shipment__order_id",
        ),
        (
            "open shop dispute",
            PlatformCase.objects.filter(shipment__order_id__in=order_ids, state="open"),
            "shipment__order_id",
        ),
    )
    for reason, qs, column in queries:
        for order_id in qs.values_list(column, flat=True).distinct():
            held.setdefault(order_id, reason)
    return held


def incidents_of_day(day: dt.date) -> list[Incident]:
    """INC-02: the incidents that occurred on the local ``day`` (pre-handled ones included),
    with whether their written report is there. One query."""
    tz = _local_tz()
    since = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return list(
        Incident.objects.filter(
            occurred_at__gte=since, occurred_at__lt=since + dt.timedelta(days=1)
        )
        .select_related("report")
        .annotate(n_complaints=Count("complaints"))
        .order_by("occurred_at", "pk")
    )


def rectification_effects(since: dt.datetime, until: dt.datetime) -> list[dict]:
    """CMP-08: every rectification opened before ``until`` and still open, or evaluated in
    ``[since, until)``: its measures (done, passed a supervision check, overdue on the last
    day) and, once evaluated, satisfaction before and after and whether it improved. One
    query."""
    last_day = (until - dt.timedelta(microseconds=1)).astimezone(_local_tz()).date()
    rows = (
        Rectification.objects.filter(
            Q(state=Rectification.State.OPEN, created_at__lt=until)
            | Q(evaluated_at__gte=since, evaluated_at__lt=until)
        )
        .annotate(
            n_measures=Count("measures", distinct=True),
            n_done=Count("measures", filter=Q(measures__done_at__isnull=False), distinct=True),
            n_checked=Count("measures", filter=Q(measures__checks__passed=True), distinct=True),
            n_overdue=Count(
                "measures",
                filter=Q(measures__done_at__isnull=True, measures__due_on__lt=last_day),
                distinct=True,
            ),
        )
        .select_related("complaint")
        .order_by("created_at", "pk")
    )
    out = []
    for r in rows:
        change = None
        if r.satisfaction_before is not None and r.satisfaction_after is not None:
            change = r.satisfaction_after - r.satisfaction_before
        out.append(
            {
                "complaint_id": r.complaint_id,
                "category": str(r.complaint.get_category_display()),
                "problem": r.problem,
                "state": str(r.get_state_display()),
                "measures": r.n_measures,
                "done": r.n_done,
                "checked": r.n_checked,
                "overdue": r.n_overdue,
                "satisfaction_before": r.satisfaction_before,
                "satisfaction_after": r.satisfaction_after,
                "change": change,
                "improved": r.improved,
                "process_improvement": r.process_improvement,
                "evaluated_at": r.evaluated_at,
            }
        )
    return out


def _in_departments(milestones, department_ids):
    """Milestones of complaints assigned to an agent of ``department_ids`` (``None``: all)."""
    if department_ids is None:
        return milestones
    return milestones.filter(complaint__assigned_agent__department_id__in=department_ids)


def breaches_by_cause(since: dt.datetime, until: dt.datetime, department_ids=None) -> list[dict]:
    """RPT-03 charts: milestones breached in ``[since, until)`` per complaint category and
    milestone, most first; only ``department_ids``' agents' complaints when given. One query."""
    milestones = SlaMilestone.objects.filter(done_at__gte=since, done_at__lt=until, met=False)
    rows = (
        _in_departments(milestones, department_ids)
        .exclude(complaint__partner__is_sandbox=True)
        .order_by()
        .values("complaint__category", "milestone")
        .annotate(n=Count("pk"))
    )
    labels = dict(Complaint._meta.get_field("category").choices)
    out = [
        {
            "category": r["complaint__category"],
            "label": str(labels.get(r["complaint__category"], r["complaint__category"])),
            "milestone": r["milestone"],
            "breached": r["n"],
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-r["breached"], r["category"], r["milestone"]))
    return out


def sla_by_day(start: dt.date, end: dt.date, department_ids=None) -> dict:
    """RPT-03 trend: milestones done per local day and milestone, met and total, sandbox
    left out, only ``department_ids``' agents' complaints when given:
    ``{(day, milestone): {"met": n, "total": n}}``. One query."""
    tz = _local_tz()
    since = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    milestones = SlaMilestone.objects.filter(done_at__gte=since, done_at__lt=until)
    rows = (
        _in_departments(milestones, department_ids)
        .exclude(complaint__partner__is_sandbox=True)
        .annotate(day=TruncDate("done_at", tzinfo=tz))
        .order_by()
        .values("day", "milestone")
        .annotate(n_met=Count("pk", filter=Q(met=True)), total=Count("pk"))
    )
    return {(r["day"], r["milestone"]): {"met": r["n_met"], "total": r["total"]} for r in rows}
