"""The tracking extracts as stored reports (item 8; ``courier.core.reports``). Each is a
selector in ``tracking.selectors`` with its figures tested; this module only names the columns
and the parameters. Without a day, a report covers today (the jobs run in the evening)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courier.core.reports import report_register
from tracking import rules, selectors


def _day(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


@report_register(
    "tracking.abnormal_orders",
    title=_("Abnormal orders and untrue station information (TRK-06)"),
    columns=[
        ("waybill_number", _("Waybill")),
        ("reason", _("Reason")),
        ("outcome", _("Outcome")),
        ("note", _("Note")),
        ("agent", _("Agent")),
        ("completed_at", _("Completed at")),
    ],
    parameters={"day": "date"},
)
def abnormal_orders(*, day=None):
    for r in selectors.abnormal_orders_extract(_day(day)):
        yield (
            r["waybill_number"],
            r["reason"],
            r["outcome"],
            r["note"],
            r["agent"],
            r["completed_at"],
        )


@report_register(
    "tracking.redelivery",
    title=_("Re-delivery volume and success rate per business company (TRK-08)"),
    columns=[
        ("partner", _("Partner")),
        ("partner_name", _("Name")),
        ("volume", _("Re-deliveries")),
        ("delivered", _("Delivered")),
        ("success_rate", _("Success rate")),
    ],
    parameters={"day": "date"},
)
def redelivery(*, day=None):
    for r in selectors.redelivery_extract(_day(day)):
        rate = "" if r["success_rate"] is None else f"{r['success_rate']:.1%}"
        yield (r["partner"], r["partner_name"], r["volume"], r["delivered"], rate)


@report_register(
    "tracking.follow_up_results",
    title=_("Follow-up calls and revisit rate per agent (TRK-04)"),
    columns=[
        ("agent", _("Agent")),
        ("required", _("Required")),
        ("done", _("Done")),
        ("rate", _("Revisit rate")),
    ],
    parameters={"day": "date"},
)
def follow_up_results(*, day=None):
    figures = selectors.revisit_figures(_day(day))
    for a in [*figures["agents"], {**figures, "agent": _("Total")}]:
        rate = "" if a["rate"] is None else f"{a['rate']:.0%}"
        yield (str(a["agent"]), a["required"], a["done"], rate)


@report_register(
    "tracking.delay_causes",
    title=_("Causes of delay per lane (TRK-12)"),
    columns=[
        ("lane", _("Lane")),
        ("cause", _("Cause")),
        ("events", _("Events")),
        ("shipments", _("Shipments")),
    ],
    parameters={"start": "date", "end": "date"},
)
def delay_causes(*, start=None, end=None):
    end = _day(end)
    start = start or end.replace(day=1)
    for r in selectors.delay_causes_extract(start, end):
        yield (r["lane"], r["cause"], r["events"], r["shipments"])


@report_register(
    "tracking.returns_to_stations",
    title=_("Returns issued to stations (TRK-07)"),
    columns=[
        ("station", _("Station")),
        ("station_name", _("Station name")),
        ("issued", _("Issued in the period")),
        ("back", _("Came back")),
        ("outstanding", _("Still out")),
        ("oldest_outstanding", _("Oldest still out since")),
        ("outstanding_waybills", _("Waybills still out")),
    ],
    parameters={"start": "date", "end": "date"},
)
def returns_to_stations(*, start=None, end=None):
    default_start, end = rules.returns_window(_day(end))
    for r in selectors.returns_to_stations_extract(start or default_start, end):
        yield (
            r["station"],
            r["station_name"],
            r["issued"],
            r["back"],
            r["outstanding"],
            r["oldest_outstanding"],
            " ".join(r["outstanding_waybills"]),
        )


INVENTORY_COLUMNS = [
    ("station", _("Station")),
    ("station_name", _("Station name")),
    ("waybill_number", _("Waybill")),
    ("state", _("State")),
    ("since", _("At the station since")),
    ("shelf", _("Shelf")),
    ("days_held", _("Days held")),
]


@report_register(
    "tracking.station_inventory",
    title=_("Month-end order inventory per station (TRK-09)"),
    columns=INVENTORY_COLUMNS,
    parameters={"station": "str"},
)
def station_inventory(*, station=""):
    for r in selectors.station_inventory_extract(station, now=timezone.now()):
        yield tuple(r[key] for key, _label in INVENTORY_COLUMNS)
