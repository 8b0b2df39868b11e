"""The complaints reports as stored runs (``courier.core.reports``): SLA compliance and its
breaches (RPT-03), satisfaction (CMP-13), the effect of rectification (CMP-08) and the measured
service levels (CMP-12). Each is a selector in ``complaints.selectors`` with its figures tested;
this module names the columns and the parameters. Without dates a report covers today (the
scheduled runs are in the evening); ``start``..``end`` are local days, both included."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from complaints import selectors
from complaints.models import Milestone
from courier.core.reports import report_register

PERIOD = {"start": "date", "end": "date"}
WEEK = 7  # the weekly reports (satisfaction, rectification) cover the 7 days to today


def period(
    start: dt.date | None, end: dt.date | None, days: int = 1
) -> tuple[dt.datetime, dt.datetime]:
    """The local days ``start``..``end`` as ``[since, until)``; without dates, the ``days``
    days ending today."""
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=days - 1)
    tz = ZoneInfo(settings.TIME_ZONE)
    since = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return since, until


def rate_text(rate) -> str:
    """A percentage as text; empty when there is nothing to measure (the column stays)."""
    return "" if rate is None else f"{rate}%"


def milestone_label(milestone: str) -> str:
    return _g("First response") if milestone == Milestone.RESPONSE else _g("Solution")


@report_register(
    "complaints.sla_compliance",
    title=_("Complaint SLA compliance per agent, team and branch (RPT-03)"),
    columns=[
        ("milestone", _("Clock")),
        ("branch", _("Branch")),
        ("team", _("Team")),
        ("agent", _("Agent")),
        ("met", _("Met")),
        ("breached", _("Breached")),
        ("rate", _("Met %")),
    ],
    parameters=PERIOD,
    readers=("supervisor", "manager", "hq"),
)
def sla_compliance(*, start=None, end=None):
    """RPT-03: first response and solution separately; per agent, then each team's and
    branch's total, then the whole."""
    rows = selectors.sla_compliance(*period(start, end))
    for milestone in (Milestone.RESPONSE, Milestone.RESOLUTION):
        mine = [r for r in rows if r["milestone"] == milestone]
        label = milestone_label(milestone)
        for r in mine:
            yield (
                label,
                r["branch"],
                r["team"],
                r["agent"],
                r["met"],
                r["breached"],
                rate_text(r["rate"]),
            )
        for level, key in ((_g("Team total"), "team"), (_g("Branch total"), "branch")):
            groups: dict = {}
            for r in mine:
                g = groups.setdefault((r["branch"], r[key]), [0, 0])
                g[0] += r["met"]
                g[1] += r["breached"]
            for (branch, name), (met, breached) in sorted(groups.items()):
                team = name if key == "team" else ""
                yield (
                    label,
                    branch,
                    team,
                    level,
                    met,
                    breached,
                    rate_text(selectors.rules.percentage(met, met + breached)),
                )
        met = sum(r["met"] for r in mine)
        breached = sum(r["breached"] for r in mine)
        yield (
            label,
            "",
            "",
            _g("Total"),
            met,
            breached,
            rate_text(selectors.rules.percentage(met, met + breached)),
        )


@report_register(
    "complaints.sla_breaches",
    title=_("Complaint SLA breaches: who failed each and why (RPT-03)"),
    columns=[
        ("complaint", _("Complaint")),
        ("milestone", _("Clock")),
        ("due_at", _("Due at")),
        ("done_at", _("Done at")),
        ("minutes_late", _("Minutes late")),
        ("agent", _("Agent")),
        ("team", _("Team")),
        ("branch", _("Branch")),
        ("escalated_to_level", _("Escalated to level")),
        ("why", _("Why")),
    ],
    parameters=PERIOD,
    readers=("supervisor", "manager", "hq"),
)
def sla_breaches(*, start=None, end=None):
    for r in selectors.sla_breaches(*period(start, end)):
        yield (
            r["complaint_id"],
            milestone_label(r["milestone"]),
            r["due_at"],
            r["done_at"],
            r["minutes_late"],
            r["agent"],
            r["team"],
            r["branch"],
            r["escalated_to_level"],
            r["why"],
        )


@report_register(
    "complaints.satisfaction",
    title=_("Customer satisfaction surveys (CMP-13)"),
    columns=[
        ("group", _("By")),
        ("name", _("Name")),
        ("answered", _("Answered")),
        ("average", _("Average score")),
        ("bad", _("Bad reviews")),
        ("sent", _("Sent")),
        ("response_rate", _("Response rate")),
    ],
    parameters=PERIOD,
    readers=("manager", "hq"),
)
def satisfaction(*, start=None, end=None):
    """CMP-13: surveys answered in the period (the last 7 days without dates), per agent and
    per category, and the total (sent and response rate over every survey sent, as the
    selector counts them)."""
    since, until = period(start, end, WEEK)
    results = selectors.survey_results(since=since, until=until)
    for r in results["by_agent"]:
        yield (_g("Agent"), r["agent__name"] or "", r["answered"], r["average"], r["bad"], "", "")
    for r in results["by_category"]:
        yield (_g("Category"), r["category"], r["answered"], r["average"], r["bad"], "", "")
    yield (
        _g("Total"),
        "",
        results["answered"],
        "",
        "",
        results["sent"],
        rate_text(results["response_rate"]),
    )


@report_register(
    "complaints.rectification_effects",
    title=_("Rectification measures and their effect (CMP-08)"),
    columns=[
        ("complaint", _("Complaint")),
        ("category", _("Category")),
        ("problem", _("Problem found")),
        ("state", _("State")),
        ("measures", _("Measures")),
        ("done", _("Done")),
        ("checked", _("Passed supervision")),
        ("overdue", _("Overdue")),
        ("satisfaction_before", _("Satisfaction before")),
        ("satisfaction_after", _("Satisfaction after")),
        ("change", _("Change")),
        ("improved", _("Improved")),
        ("process_improvement", _("Process improvement")),
    ],
    parameters=PERIOD,
    readers=("manager", "hq"),
)
def rectification_effects(*, start=None, end=None):
    for r in selectors.rectification_effects(*period(start, end, WEEK)):
        improved = "" if r["improved"] is None else (_g("Yes") if r["improved"] else _g("No"))
        yield (
            r["complaint_id"],
            r["category"],
            r["problem"],
            r["state"],
            r["measures"],
            r["done"],
            r["checked"],
            r["overdue"],
            r["satisfaction_before"],
            r["satisfaction_after"],
            r["change"],
            improved,
            r["process_improvement"],
        )


@report_register(
    "complaints.service_levels",
    title=_("Orders processed within 24 h and hotline answer rate, measured (CMP-12)"),
    columns=[
        ("day", _("Day")),
        ("orders_received", _("Orders received")),
        ("orders_within_24h", _("Processed within 24 h")),
        ("orders_rate", _("Within 24 h %")),
        ("calls_offered", _("Calls offered")),
        ("calls_answered", _("Calls answered")),
        ("answer_rate", _("Answer rate")),
        ("correction", _("Corrected by hand because")),
    ],
    parameters=PERIOD,
    readers=("manager", "hq"),
)
def service_levels(*, start=None, end=None):
    end = end or timezone.localdate()
    for day, d in selectors.service_levels_by_day(start or end, end).items():
        yield (
            day,
            d["orders_received"],
            d["orders_within_24h"],
            rate_text(d["orders_within_24h_rate"]),
            d["calls_offered"],
            d["calls_answered"],
            rate_text(d["hotline_answer_rate"]),
            d["reason"],
        )
