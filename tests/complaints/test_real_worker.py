"""CMP-03 enforcement through the real broker and a real ``celery worker`` process."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint, Escalation, Severity
from complaints.tasks import complaints_sla_sweep
from courier.models import Heartbeat, Notification
from courier.tasks import heartbeat_tick
from tests.complaints.factories import complaint_new, org_build

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.realworker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(queue: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "courier",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _database_url()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_sla_sweep_through_the_broker_escalates_an_overdue_complaint_exactly_once(real_celery):
    """CMP-03: the SLA sweep task, sent through the broker twice (a duplicate delivery) and run
    by a real worker, escalates a major complaint unanswered for 40 minutes exactly once: level
    1 to the named supervisor, one ledger row, one notice."""
    org = org_build()
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=40), tick=False):
        c = complaint_new(org.agent.user, severity=Severity.MAJOR, assigned_agent=org.agent)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = _worker(queue)
    try:
        complaints_sla_sweep.apply_async(queue=queue)
        complaints_sla_sweep.apply_async(queue=queue)
        # The solo worker runs its queue in order: once this beat lands, both sweeps are done.
        heartbeat_tick.apply_async(kwargs={"name": queue}, queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if Heartbeat.objects.filter(pk=queue).exists():
                break
            time.sleep(0.3)
        done = Heartbeat.objects.filter(pk=queue).exists()
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert done, f"worker did not run the tasks; its output:\n{output}"
    c = Complaint.objects.get(pk=c.pk)
    assert (c.escalation_level, c.escalated_to, c.response_breaches) == (1, org.supervisor, 1)
    entries = Escalation.objects.filter(complaint=c)
    assert entries.count() == 1
    assert (entries[0].from_level, entries[0].to_level, entries[0].trigger) == (
        0,
        1,
        "response_breach",
    )
    notes = Notification.objects.filter(dedupe_key__startswith=f"complaint:{c.pk}:")
    assert [(n.recipient, n.dedupe_key) for n in notes] == [
        (org.supervisor.user, f"complaint:{c.pk}:escalated:1")
    ]
