"""The console's composed reports as stored runs (``courier.core.reports``): the daily
operations report (RPT-01, INC-02) and head office's branch × day matrix (RPT-02). Each row is
read from the domains' selectors; every row has the same columns, an empty cell where there is
nothing to measure."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from complaints import selectors as complaints_selectors
from courier.console import selectors
from courier.core.reports import report_register
from tracking import selectors as tracking_selectors

DAILY_OPERATIONS = "console.daily_operations"
BRANCH_MATRIX = "console.branch_matrix"


def pct(part: int, whole: int) -> str:
    rate = selectors.percent(part, whole)
    return "" if rate is None else f"{rate}%"


@report_register(
    DAILY_OPERATIONS,
    title=_("Daily operations report (RPT-01, INC-02)"),
    columns=[
        ("section", _("Section")),
        ("item", _("Item")),
        ("count", _("Count")),
        ("of", _("Of")),
        ("rate", _("Rate")),
        ("note", _("Note")),
    ],
    parameters={"day": "date"},
    readers=("supervisor", "platform_supervisor", "manager"),
)
def daily_operations(*, day=None):
    """RPT-01/INC-02, one local day: the exceptions (each incident, the pre-handled ones only
    recorded here, the others with their written report), follow-up calls and their rate,
    re-delivery volume and success per business company, complaint SLA results, the hotline
    answer rate and orders processed within 24 h (CMP-12)."""
    day = day or timezone.localdate()
    since = selectors.day_start(day)
    until = selectors.day_start(day + dt.timedelta(days=1))
    exceptions = _g("Exceptions")
    incidents = complaints_selectors.incidents_of_day(day)
    pre = [i for i in incidents if i.handled_in_pre_handling]
    yield (exceptions, _g("Incidents"), len(incidents), "", "", "")
    yield (
        exceptions,
        _g("Settled by pre-handling"),
        len(pre),
        len(incidents),
        pct(len(pre), len(incidents)),
        "",
    )
    for i in incidents:
        if i.handled_in_pre_handling:
            note = _g("Pre-handled: recorded in this report only")
        elif getattr(i, "report", None) is not None:
            note = _g("Written report on file")
        elif i.harmed_company or i.n_complaints:
            note = _g("Written report required, not yet written")
        else:
            note = ""
        yield (exceptions, i.title, i.n_complaints, "", "", note)
    abnormal = tracking_selectors.abnormal_orders_extract(day)
    yield (
        exceptions,
        _g("Abnormal orders and untrue station information"),
        len(abnormal),
        "",
        "",
        "",
    )

    follow = _g("Follow-up calls")
    revisit = tracking_selectors.revisit_figures(day)
    yield (
        follow,
        _g("Done of required"),
        revisit["done"],
        revisit["required"],
        pct(revisit["done"], revisit["required"]),
        "",
    )
    for a in revisit["agents"]:
        yield (follow, a["agent"], a["done"], a["required"], pct(a["done"], a["required"]), "")

    redelivery = _g("Re-delivery")
    for r in tracking_selectors.redelivery_extract(day):
        yield (
            redelivery,
            f"{r['partner']} {r['partner_name']}",
            r["delivered"],
            r["volume"],
            pct(r["delivered"], r["volume"]),
            "",
        )

    sla = _g("Complaint SLA")
    report = complaints_selectors.sla_report(since, until)
    for milestone, label in (("response", _g("First response")), ("resolution", _g("Solution"))):
        m = report.get(milestone, {"met": 0, "breached": 0, "average_minutes": None})
        total = m["met"] + m["breached"]
        note = ""
        if total:
            note = _g("average %(minutes)s active minutes") % {"minutes": m["average_minutes"]}
        yield (
            sla,
            _g("%(clock)s met") % {"clock": label},
            m["met"],
            total,
            pct(m["met"], total),
            note,
        )

    levels = _g("Service levels")
    lv = complaints_selectors.service_levels_by_day(day, day)[day]
    note = _g("Corrected by hand: %(reason)s") % {"reason": lv["reason"]} if lv["corrected"] else ""
    yield (
        levels,
        _g("Hotline calls answered"),
        lv["calls_answered"],
        lv["calls_offered"],
        pct(lv["calls_answered"], lv["calls_offered"]),
        note,
    )
    yield (
        levels,
        _g("Orders processed within 24 h"),
        lv["orders_within_24h"],
        lv["orders_received"],
        pct(lv["orders_within_24h"], lv["orders_received"]),
        note,
    )


def _rate(cell) -> str:
    return "" if cell["rate"] is None else f"{cell['rate']}%"


@report_register(
    BRANCH_MATRIX,
    title=_("Branches by day, for head office (RPT-02)"),
    columns=[
        ("branch", _("Branch")),
        ("day", _("Day")),
        ("response", _("First response met %")),
        ("resolution", _("Solution met %")),
        ("revisit", _("Revisit %")),
        ("redelivery", _("Re-delivery success %")),
        ("answer_rate", _("Hotline answer rate")),
        ("orders_rate", _("Orders within 24 h")),
        ("incidents", _("Open incidents")),
        ("settlement", _("Settlement")),
    ],
    parameters={"start": "date", "end": "date"},
    readers=("manager", "hq"),
)
def branch_matrix(*, start=None, end=None):
    """RPT-02: one row per branch and day (``start``..``end``; the last 7 days to today
    without dates); the hotline and order figures are the company's, per day."""
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=selectors.MATRIX_DAYS - 1)
    matrix = selectors.branch_matrix(start, end)
    levels = {lv["day"]: lv for lv in matrix["levels"]}
    for row in matrix["rows"]:
        d = row["department"]
        settlement = row["settlement"]
        state = "" if settlement is None else str(settlement.get_state_display())
        for cell in row["cells"]:
            lv = levels[cell["day"]]
            yield (
                str(d),
                cell["day"],
                _rate(cell["response"]),
                _rate(cell["resolution"]),
                _rate(cell["revisit"]),
                _rate(cell["redelivery"]),
                "" if lv["answer_rate"] is None else f"{lv['answer_rate']}%",
                "" if lv["orders_rate"] is None else f"{lv['orders_rate']}%",
                row["incidents"],
                state,
            )
