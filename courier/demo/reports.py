"""The demo's reports: today's hotline call records imported (so the answer rate is measured)
and one run of each console report, sent to its readers as the evening beat jobs would. Safe to
run again: calls already imported and reports already run today by the demo are skipped."""

import datetime as dt

from django.utils import timezone

from complaints.services import call_records_import
from courier.console.services import REPORTS_SENT, report_send
from courier.core.models import ReportRun

DEMO_JOB = "demo"
CALLS = 50  # one not answered: a 98.0% answer rate


def _calls_csv(clock) -> bytes:
    start = clock.morning - dt.timedelta(hours=1)
    lines = ["call_id,started_at,answered_at,caller,extension"]
    for i in range(CALLS):
        at = timezone.localtime(start + dt.timedelta(minutes=i))
        answered = "" if i == 7 else (at + dt.timedelta(seconds=12)).isoformat()
        lines.append(f"DEMO-{clock.today:%Y%m%d}-{i:03d},{at.isoformat()},{answered},,80{i % 4}")
    return "\n".join(lines).encode()


def reports_ensure(cast, clock) -> list:
    """Import today's demo calls once and run each console report once today."""
    from complaints.models import CallRecord

    if not CallRecord.objects.filter(call_id__startswith=f"DEMO-{clock.today:%Y%m%d}-").exists():
        call_records_import(user=cast.admin, content=_calls_csv(clock), filename="demo-calls.csv")
    runs = []
    for name in REPORTS_SENT:
        done = ReportRun.objects.filter(
            report=name, job=DEMO_JOB, data_as_of__date__gte=clock.today - dt.timedelta(days=1)
        ).exists()
        if not done:
            runs.append(report_send(name, job=DEMO_JOB))
    return runs
