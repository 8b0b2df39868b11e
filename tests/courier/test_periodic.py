import json

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from courier.periodic import PERIODIC_JOBS, PeriodicJob, periodic_jobs_sync

pytestmark = pytest.mark.django_db


def test_every_declared_job_is_written_to_the_schedule():
    """PLT-17: periodic jobs are declared once in code and written to beat's schedule."""
    result = periodic_jobs_sync()
    assert set(result) == {job.name for job in PERIODIC_JOBS}
    beat = PeriodicTask.objects.get(name="system-heartbeat")
    assert beat.task == "courier.tasks.heartbeat_tick"
    assert (beat.interval.every, beat.interval.period) == (20, IntervalSchedule.SECONDS)
    assert beat.enabled is True


def test_resync_keeps_ops_edits_of_the_time_and_refreshes_the_task():
    """PLT-17: ops' edit of a job's time in the admin survives a re-sync; code fields follow."""
    job = PeriodicJob(
        name="test-job",
        task="courier.tasks.heartbeat_tick",
        description="v1",
        crontab={"minute": "0", "hour": "9"},
    )
    assert periodic_jobs_sync([job]) == {"test-job": "created"}
    task = PeriodicTask.objects.get(name="test-job")
    assert (task.crontab.minute, task.crontab.hour) == ("0", "9")

    slower, _ = IntervalSchedule.objects.get_or_create(every=90, period=IntervalSchedule.SECONDS)
    task.crontab, task.interval, task.enabled = None, slower, False
    task.save()

    changed = PeriodicJob(
        name="test-job",
        task="courier.tasks.heartbeat_tick",
        description="v2",
        crontab={"minute": "0", "hour": "9"},
        kwargs={"name": "other"},
    )
    assert periodic_jobs_sync([changed]) == {"test-job": "updated"}
    task.refresh_from_db()
    assert task.interval == slower and task.crontab is None and task.enabled is False
    assert task.description == "v2"
    assert json.loads(task.kwargs) == {"name": "other"}
    assert PeriodicTask.objects.filter(name="test-job").count() == 1


def test_periodic_jobs_editable_in_admin(admin_client):
    """PLT-17: ops see and edit the schedule in the admin."""
    periodic_jobs_sync()
    task = PeriodicTask.objects.get(name="system-heartbeat")
    response = admin_client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    assert response.status_code == 200
    assert b"system-heartbeat" in response.content
