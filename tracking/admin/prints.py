"""TRK-09: the print view of a stored month-end inventory run, one sheet per station with the
lines the station head signs (read back from the stored file, its checksum verified)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from courier.core.models import ReportRun
from courier.core.reports import report_run_rows
from tracking.services.extracts import INVENTORY_REPORT


def inventory_sheets(rows: list[list[str]]) -> list[dict]:
    """The stored rows grouped by station (the first two columns), in their order."""
    sheets: list[dict] = []
    for row in rows:
        if not sheets or sheets[-1]["station"] != row[0]:
            sheets.append({"station": row[0], "station_name": row[1], "rows": []})
        sheets[-1]["rows"].append(row[2:])
    return sheets


def inventory_print_view(request, run_id: int):
    if not request.user.has_perm("courier.view_reportrun"):
        raise PermissionDenied
    run = get_object_or_404(ReportRun, pk=run_id)
    if run.report != INVENTORY_REPORT:
        raise Http404
    header, rows = report_run_rows(run)
    return TemplateResponse(
        request,
        "tracking/inventory_print.html",
        {"run": run, "headers": header[2:], "sheets": inventory_sheets(rows)},
    )
