"""The console's one write: run a stored report and tell the roles that read it (a notice with
the link to the run, e-mailed through the notification outbox)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.models import ReportRun
from courier.core.reports import report_definition, report_run
from courier.core.services.notifications import notification_send

# The reports the console sends to their readers (RPT-01..03, CMP-08, CMP-12, CMP-13); each
# names its readers' groups where it is registered (``readers=``).
REPORTS_SENT: tuple[str, ...] = (
    "console.daily_operations",
    "console.branch_matrix",
    "complaints.sla_compliance",
    "complaints.sla_breaches",
    "complaints.satisfaction",
    "complaints.rectification_effects",
    "complaints.service_levels",
)


def report_readers(name: str):
    roles = report_definition(name).readers
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
    links to the run; the outbox e-mails it), in one transaction. Returns the run.

    A scheduled job's run (``job``) is once per local day: a redelivered or retried task finds
    the day's run and returns it without running or sending again."""
    with transaction.atomic():
        if job:
            start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
            done = (
                ReportRun.objects.filter(report=name, job=job, created_at__gte=start)
                .order_by("-pk")
                .first()
            )
            if done is not None:
                return done
        return _report_send(name, params=params, user=user, job=job)


def _report_send(name, *, params, user, job):
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
