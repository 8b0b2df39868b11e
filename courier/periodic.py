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


PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob(
        name="system-heartbeat",
        task="courier.tasks.heartbeat_tick",
        description="Records that beat and a worker are alive; read by /healthz.",
        every_seconds=20,
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
        create_defaults = {**defaults, **_schedule_fields(job, settings.TIME_ZONE)}
        _, created = PeriodicTask.objects.update_or_create(
            name=job.name, defaults=defaults, create_defaults=create_defaults
        )
        result[job.name] = "created" if created else "updated"
    return result
