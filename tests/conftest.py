import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from courier.celery import app as celery_app


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI does)")
    for item in items:
        if "postgres" in item.keywords and not settings.DATABASE_IS_POSTGRES:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run in-process unless a test starts a real worker (see ``real_celery``)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def real_celery():
    celery_app.conf.task_always_eager = False
    return celery_app


class RealWorker:
    """A ``celery worker`` subprocess on its own queue, reading the test database."""

    def __init__(self):
        from django.db import connection

        s = connection.settings_dict
        if connection.vendor == "sqlite":
            url = f"sqlite:///{s['NAME']}"
        else:
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        self.queue = f"test-{uuid.uuid4().hex[:8]}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "courier",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "DATABASE_URL": url},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = ""

    def drain(self, timeout: float = 60) -> bool:
        """Send a heartbeat behind what is queued; the solo worker runs its queue in order, so
        once the heartbeat lands everything sent before it has run."""
        from courier.models import Heartbeat
        from courier.tasks import heartbeat_tick

        heartbeat_tick.apply_async(kwargs={"name": self.queue}, queue=self.queue)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if Heartbeat.objects.filter(pk=self.queue).exists():
                return True
            time.sleep(0.3)
        return Heartbeat.objects.filter(pk=self.queue).exists()

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
        self.output = self.process.communicate(timeout=30)[0]
        return self.output


@pytest.fixture
def real_worker(real_celery, transactional_db):
    worker = RealWorker()
    yield worker
    worker.stop()


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """PBKDF2 costs ~0.5 s per user on CI's cores; tests only need hashing to work, not be slow."""
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Messages built outside a request (services, tasks) come in English, so tests can assert the
    msgid; requests still choose their language through LocaleMiddleware (zh-hans by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def settings_rows_uncached():
    """Each test starts from its own database: forget settings rows another test cached."""
    from courier.models import DispatchSettings

    DispatchSettings.cache_clear()
    yield
    DispatchSettings.cache_clear()
