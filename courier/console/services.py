"""The console's one write: run a stored report and tell the roles that read it (a notice with
the link to the run, e-mailed through the notification outbox)."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from courier.core.reports import report_run
from courier.core.services.notifications import notification_send

# Which roles (groups) read each scheduled report (RPT-01..03, CMP-08, CMP-12, CMP-13).
REPORT_READERS: dict[str, tuple[str, ...]] = {
    "console.daily_operations": ("supervisor", "platform_supervisor", "manager"),
    "console.branch_matrix": ("manager", "hq"),
    "complaints.sla_compliance": ("supervisor", "manager", "hq"),
    "complaints.sla_breaches": ("supervisor", "manager", "hq"),
    "complaints.satisfaction": ("manager", "hq"),
    "complaints.rectification_effects": ("manager", "hq"),
    "complaints.service_levels": ("manager", "hq"),
}


def report_readers(name: str):
    roles = REPORT_READERS.get(name, ())
    return (
        get_user_model()
        .objects.filter(groups__name__in=roles, is_active=True)
        .distinct()
        .order_by("pk")
    )


def run_url(run) -> str:
    """The admin page of a stored run (with its CSV and Excel downloads)."""
    return reverse("admin:courier_reportrun_change", args=[run.pk])


def report_send(name: str, *, params: dict | None = None, user=None, job: str = ""):
    """Run the report ``name`` now, store the run and notify its readers once (the notice
    links to the run; the outbox e-mails it). Returns the run."""
    run = report_run(name, params=params, user=user, job=job)
    notification_send(
        list(report_readers(name)),
        _("%(title)s: %(rows)s rows, as of %(as_of)s")
        % {
            "title": run.title,
            "rows": run.row_count,
            "as_of": f"{run.data_as_of:%Y-%m-%d %H:%M}",
        },
        _("The report is stored; open the link to read it or download it as CSV or Excel."),
        link=run_url(run),
        dedupe_key=f"report-run:{run.pk}",
    )
    return run
