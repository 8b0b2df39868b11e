"""The scheduled extracts that are handed to someone (TRK-07, TRK-09): each is a stored report run
(``courier.core.reports``) and a notice to the CS supervisors linking to it."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.reports import report_run
from courier.core.services.notifications import notification_send
from tracking import rules
from tracking.services.common import users_in_role

RETURNS_REPORT = "tracking.returns_to_stations"
INVENTORY_REPORT = "tracking.station_inventory"


def inventory_print_url(run_id: int) -> str:
    return reverse("admin:tracking_station_inventory_print", args=[run_id])


def returns_to_stations_report(*, user=None, job: str = "", today: dt.date | None = None):
    """TRK-07 (Mon/Wed/Fri by beat): the real state of the returns issued to the stations over
    the last week, stored, and summarised to the supervisors."""
    today = today or timezone.localdate()
    start, end = rules.returns_window(today)
    run = report_run(RETURNS_REPORT, params={"start": start, "end": end}, user=user, job=job)
    notification_send(
        users_in_role("supervisor"),
        _("Returns issued to stations, %(start)s to %(end)s: %(n)s stations")
        % {"start": start.isoformat(), "end": end.isoformat(), "n": run.row_count},
        _(
            "The stored extract lists, per station, the returns issued, those back and those "
            "still out; tell operations about the ones still out."
        ),
        link=reverse("admin:courier_reportrun_change", args=[run.pk]),
        dedupe_key=f"trk-returns:{run.pk}",
    )
    return run


def station_inventory_report(
    *, user=None, job: str = "", today: dt.date | None = None, force: bool = False
):
    """TRK-09 (beat: days 28-31, acting on the last day of the month; ``force`` runs it any
    day): the order inventory per station, stored, and handed to the supervisors as the print
    view each station head signs. None when it is not month end."""
    today = today or timezone.localdate()
    if not force and not rules.is_month_end(today):
        return None
    run = report_run(INVENTORY_REPORT, user=user, job=job)
    notification_send(
        users_in_role("supervisor"),
        _("Month-end order inventory %(day)s: %(n)s orders at the stations")
        % {"day": today.isoformat(), "n": run.row_count},
        _("Print one sheet per station, have the station head sign it, and file it."),
        link=inventory_print_url(run.pk),
        dedupe_key=f"trk-inventory:{run.pk}",
    )
    return run
