import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from courier.models import Heartbeat
from courier.tasks import heartbeat_tick

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.realworker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_task_sent_through_the_broker_runs_in_a_real_worker(real_celery):
    """Foundation: a task sent through the configured broker is executed by a `celery worker`."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _database_url()}
    worker = subprocess.Popen(
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
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        heartbeat_tick.apply_async(kwargs={"name": queue}, queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if Heartbeat.objects.filter(pk=queue).exists():
                break
            time.sleep(0.3)
        beat = Heartbeat.objects.filter(pk=queue).first()
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert beat is not None, f"worker did not run the task; its output:\n{output}"
    assert beat.ticks == 1
