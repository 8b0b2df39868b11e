"""Every periodic job of the system, declared once.

``periodic_jobs_sync`` writes them to django-celery-beat's tables. A job that already exists keeps
the schedule and the enabled flag ops gave it in the admin; only its task path, arguments and
description follow the code. To add a job, add a ``PeriodicJob`` here and run
``manage.py sync_periodic_jobs`` (``make demo`` and the beat process do it on start).
"""

import json
from dataclasses import dataclass, field

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    description: str
    every_seconds: int | None = None
    crontab: dict = field(default_factory=dict)  # minute/hour/day_of_week/... as strings
    kwargs: dict = field(default_factory=dict)
    # A run not started within this many seconds is dropped by the worker (a frequent job must
    # not pile up behind a busy worker; the next run does the same work).
    expire_seconds: int | None = None


PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob(
        name="system-heartbeat",
        task="courier.tasks.heartbeat_tick",
        description="Records that beat and a worker are alive; read by /healthz.",
        every_seconds=20,
    ),
    PeriodicJob(
        name="staffing-attendance-nightly",
        task="staffing.tasks.attendance_nightly",
        description="ATT-01/ATT-02: computes yesterday's attendance against the roster and "
        "records the consequences of days whose correction window has closed.",
        crontab={"minute": "30", "hour": "2"},
    ),
    PeriodicJob(
        name="staffing-requests-expire",
        task="staffing.tasks.requests_expire",
        description="STF-09/LEV-01: swaps and leave not approved before the shift starts expire.",
        every_seconds=300,
    ),
    PeriodicJob(
        name="staffing-holidays-seed",
        task="staffing.tasks.holidays_seed_next_year",
        description="STF-06: adds this year's and next year's public holidays to the calendar.",
        crontab={"minute": "0", "hour": "3", "day_of_month": "1"},
    ),
    PeriodicJob(
        name="shipments-retention-anonymise",
        task="courier.tasks_shipments.retention_anonymise",
        description="DLV-06/SHP-11: anonymises personal data of orders completed more than the "
        "partner's retention years ago (history tables included).",
        crontab={"minute": "40", "hour": "3"},
    ),
    PeriodicJob(
        name="shipments-invalid-records-cleanup",
        task="courier.tasks_shipments.invalid_records_cleanup",
        description="SHP-11: voids never-printed waybills of orders that failed or never "
        "finished verification and were abandoned (dispatch settings: invalid_abandon_days).",
        crontab={"minute": "50", "hour": "3"},
    ),
    PeriodicJob(
        name="webhooks-dispatch-due",
        task="courier.tasks_webhooks.webhook_deliveries_dispatch",
        description="Sends webhook deliveries whose (re)try time has come.",
        every_seconds=60,
    ),
    PeriodicJob(
        name="idempotency-records-purge",
        task="courier.tasks_webhooks.idempotency_records_purge",
        description="Deletes Idempotency-Key records older than IDEMPOTENCY_TTL_HOURS.",
        crontab={"minute": "17"},
    ),
    PeriodicJob(
        name="sandbox-data-purge",
        task="courier.tasks.sandbox_data_purge",
        description="Deletes sandbox (test key) data older than each sandbox partner's "
        "'sandbox data kept (days)'.",
        crontab={"minute": "40", "hour": "3"},
    ),
    PeriodicJob(
        name="report-runs-purge",
        task="courier.reports.purge",
        description="Deletes stored report runs past their keep date (Report settings).",
        crontab={"minute": "40", "hour": "3"},
    ),
    PeriodicJob(
        name="complaints-sla-sweep",
        task="complaints.tasks.complaints_sla_sweep",
        description="CMP-03/04/05: warns at 80%, escalates complaints past their holder's "
        "deadline and records breached promises; every 2 s (an idle run is a few index probes).",
        every_seconds=2,
        expire_seconds=10,
    ),
    PeriodicJob(
        name="complaints-score-postings",
        task="complaints.tasks.complaints_score_postings_retry",
        description="CMP-10: posts verdict and bad-review score events left pending.",
        every_seconds=600,
    ),
    PeriodicJob(
        name="scoring-settlements-due",
        task="staffing.tasks_scoring.settlements_due",
        description="SCR-04: the day before payday, computes last month's score sheet of each "
        "department (blocked while appeals are open; retried daily).",
        crontab={"minute": "0", "hour": "6"},
    ),
    PeriodicJob(
        name="finance-statements-build",
        task="courier.finance.statements_build_due",
        description="FIN-03: builds the draft statements of every partner whose monthly, "
        "quarterly or yearly period ended yesterday (a re-run skips those already built).",
        crontab={"minute": "10", "hour": "1"},
    ),
    PeriodicJob(
        name="finance-fee-snapshots-sweep",
        task="courier.finance.shipment_fees_snapshots_sweep",
        description="FIN-01: queues the fee snapshot of recent shipments that have none (the "
        "broker was down when they were created).",
        every_seconds=120,
    ),
    PeriodicJob(
        name="finance-statement-exports-sweep",
        task="courier.finance.statement_exports_sweep",
        description="FIN-03: queues the stored export of issued statements that have none.",
        every_seconds=600,
    ),
    PeriodicJob(
        name="tracking-sweep-morning",
        task="tracking.tasks.tracking_sweep",
        description="TRK-02: the 09:00 in-transit check (stale, past estimate, arrival not "
        "confirmed, failed delivery, VIP) opens follow-up calls; chases past 3 days and overdue "
        "calls go to the supervisor.",
        crontab={"minute": "0", "hour": "9"},
    ),
    PeriodicJob(
        name="tracking-sweep-afternoon",
        task="tracking.tasks.tracking_sweep",
        description="TRK-02: the 16:00 in-transit check (as the morning one).",
        crontab={"minute": "0", "hour": "16"},
    ),
    PeriodicJob(
        name="tracking-events-archive",
        task="tracking.tasks.events_archive",
        description="Issue 19 item 11: the events of closed shipments older than their "
        "partner's retention (months) move from the live events table to the archive, in "
        "batches.",
        crontab={"minute": "30", "hour": "2"},
    ),
    PeriodicJob(
        name="tracking-follow-up-day-report",
        task="tracking.tasks.follow_up_day_report",
        description="TRK-04: the day's follow-up results and revisit rate to the information "
        "clerk.",
        crontab={"minute": "30", "hour": "18"},
    ),
    PeriodicJob(
        name="tracking-report-abnormal-orders",
        task="courier.reports.run",
        description="TRK-06: the day's abnormal orders and untrue station information, for "
        "the platform supervisor (stored report run).",
        crontab={"minute": "40", "hour": "18"},
        kwargs={"name": "tracking.abnormal_orders", "job": "tracking-report-abnormal-orders"},
    ),
    PeriodicJob(
        name="tracking-report-redelivery",
        task="courier.reports.run",
        description="TRK-08: the day's re-delivery volume and success rate per business "
        "company (stored report run).",
        crontab={"minute": "45", "hour": "18"},
        kwargs={"name": "tracking.redelivery", "job": "tracking-report-redelivery"},
    ),
    PeriodicJob(
        name="tracking-report-returns-to-stations",
        task="tracking.tasks.returns_to_stations_report",
        description="TRK-07: three times a week, the real state of the returns issued to the "
        "stations (stored report run) to the CS supervisors.",
        crontab={"minute": "0", "hour": "17", "day_of_week": "1,3,5"},
    ),
    PeriodicJob(
        name="tracking-report-station-inventory",
        task="tracking.tasks.station_inventory_report",
        description="TRK-09: on the last day of the month, the order inventory per station "
        "(stored report run and print view for the station heads' signatures) to the CS "
        "supervisors.",
        crontab={"minute": "0", "hour": "20", "day_of_month": "28-31"},
    ),
    PeriodicJob(
        name="console-report-daily-operations",
        task="courier.console.report_send",
        description="RPT-01/INC-02: the day's operations report (exceptions, pre-handled ones "
        "included; follow-ups; re-delivery per business company; complaint SLA; hotline answer "
        "rate; orders within 24 h), stored and sent to the supervisors and the manager.",
        crontab={"minute": "50", "hour": "18"},
        kwargs={"name": "console.daily_operations", "job": "console-report-daily-operations"},
    ),
    PeriodicJob(
        name="console-report-sla-compliance",
        task="courier.console.report_send",
        description="RPT-03: the day's complaint SLA compliance per agent, team and branch "
        "(first response and solution separately), stored and sent.",
        crontab={"minute": "55", "hour": "18"},
        kwargs={"name": "complaints.sla_compliance", "job": "console-report-sla-compliance"},
    ),
    PeriodicJob(
        name="console-report-sla-breaches",
        task="courier.console.report_send",
        description="RPT-03: the day's SLA breaches with who failed each and why, stored and sent.",
        crontab={"minute": "56", "hour": "18"},
        kwargs={"name": "complaints.sla_breaches", "job": "console-report-sla-breaches"},
    ),
    PeriodicJob(
        name="console-report-branch-matrix",
        task="courier.console.report_send",
        description="RPT-02: the last 7 days per branch and day, for head office (stored and "
        "sent).",
        crontab={"minute": "0", "hour": "19"},
        kwargs={"name": "console.branch_matrix", "job": "console-report-branch-matrix"},
    ),
    PeriodicJob(
        name="console-report-satisfaction",
        task="courier.console.report_send",
        description="CMP-13: Mondays, the satisfaction surveys answered (stored and sent to the "
        "manager and head office).",
        crontab={"minute": "0", "hour": "8", "day_of_week": "1"},
        kwargs={"name": "complaints.satisfaction", "job": "console-report-satisfaction"},
    ),
    PeriodicJob(
        name="console-report-rectification",
        task="courier.console.report_send",
        description="CMP-08: Mondays, rectification measures and their effect (stored and "
        "sent to the manager and head office).",
        crontab={"minute": "5", "hour": "8", "day_of_week": "1"},
        kwargs={
            "name": "complaints.rectification_effects",
            "job": "console-report-rectification",
        },
    ),
    PeriodicJob(
        name="tracking-sms-dispatch",
        task="tracking.tasks.sms_dispatch",
        description="TRK-03/TRK-10: the SMS outbox: sends messages still queued (queueing "
        "failed while the broker was down, or a worker lost the task).",
        every_seconds=60,
    ),
    PeriodicJob(
        name="notifications-email-dispatch",
        task="courier.tasks.notifications_email_dispatch",
        description="The outbox of notice e-mails: sends those still owed (queueing failed "
        "while the broker was down, or a worker lost the task).",
        every_seconds=60,
    ),
    PeriodicJob(
        name="complaints-mail-dispatch",
        task="complaints.tasks.customer_mails_dispatch",
        description="CMP-07/CMP-13: sends solution and survey e-mails still owed to customers "
        "(queueing failed while the broker was down, or a worker lost the task).",
        every_seconds=60,
    ),
]


def _schedule_fields(job: PeriodicJob, tz: str) -> dict:
    if job.every_seconds:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=job.every_seconds, period=IntervalSchedule.SECONDS
        )
        return {"interval": interval, "crontab": None}
    spec = {
        "minute": "0",
        "hour": "*",
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        **job.crontab,
    }
    crontab, _ = CrontabSchedule.objects.get_or_create(timezone=tz, **spec)
    return {"crontab": crontab, "interval": None}


@transaction.atomic
def periodic_jobs_sync(jobs: list[PeriodicJob] | None = None) -> dict[str, str]:
    """Create missing jobs, refresh code-owned fields of existing ones; returns name -> action."""
    from django.conf import settings

    result = {}
    for job in jobs if jobs is not None else PERIODIC_JOBS:
        defaults = {
            "task": job.task,
            "kwargs": json.dumps(job.kwargs, sort_keys=True),
            "description": job.description,
        }
        create_defaults = {
            **defaults,
            **_schedule_fields(job, settings.TIME_ZONE),
            "expire_seconds": job.expire_seconds,
        }
        _, created = PeriodicTask.objects.update_or_create(
            name=job.name, defaults=defaults, create_defaults=create_defaults
        )
        result[job.name] = "created" if created else "updated"
    return result
