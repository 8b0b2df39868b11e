"""Stored reports: the mechanism every app's reports use.

A domain defines a report next to its selectors, in ``<domain>/reports.py``::

    from courier.core.reports import report_register

    @report_register(
        "complaints.sla_breaches",
        title=_("SLA breaches"),
        columns=[("id", _("Complaint")), ("kind", _("Kind")), ("breached_at", _("Breached at"))],
        parameters={"day": "date"},          # name -> "date" | "int" | "str"; all optional
    )
    def sla_breaches(*, day=None):
        return complaint_breaches_rows(day)  # an iterable of tuples in the columns' order

``report_run("complaints.sla_breaches", params={"day": "2026-12-01"}, user=request.user)``
runs it now and stores an immutable ``ReportRun``: the parameters, the moment its data is as
of, the row count, the rows as a CSV file (UTF-8 with a BOM, so Excel opens it) and the file's
SHA-256, with who ran it or which scheduled job did. ``report_run_rows(run)`` reads a run back
(the checksum is verified); ``report_run_xlsx(run)`` gives it as an Excel workbook. Cells that a
spreadsheet would take as a formula (``= + - @``, tab, carriage return) are written with a
leading apostrophe, in both formats.

Readers: ``readers=("manager", "hq")`` limits who reads the report's runs (the admin's list,
downloads and run page, the console's list) to those groups and the superuser, and names who is
sent the scheduled runs; without it anyone who may view report runs reads them.

Scheduling: add a ``PeriodicJob`` whose task is ``courier.reports.run`` with
``kwargs={"name": ..., "params": {...}, "job": "<job name>"}`` to ``courier/periodic.py``.
Runs are kept for ``ReportSettings.keep_days`` (admin) and removed by the nightly purge.
Reports are registered when Django starts: ``reports_discover()`` imports ``<app>/reports.py``
of every installed app (``courier/reports.py`` imports the ``courier`` app's domains' reports).
"""

from .registry import (
    ReportDefinition,
    report_definition,
    report_register,
    report_runs_readable,
    reports_all,
    reports_discover,
    reports_readable,
)
from .services import report_run, report_run_rows, report_run_xlsx, report_runs_purge

__all__ = [
    "ReportDefinition",
    "report_definition",
    "report_register",
    "reports_all",
    "reports_discover",
    "reports_readable",
    "report_runs_readable",
    "report_run",
    "report_run_rows",
    "report_run_xlsx",
    "report_runs_purge",
]
