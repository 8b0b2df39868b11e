"""Shared fixtures for the outage tests (issue 12): a broker that refuses every publish."""

import pytest
from kombu.exceptions import OperationalError
from kombu.messaging import Producer

from courier.celery import app as celery_app


class Outage:
    """Counts the publishes the broker refused; ``end()`` brings the broker back (eager)."""

    def __init__(self, monkeypatch):
        self.refused = 0
        self._monkeypatch = monkeypatch

    def end(self):
        self._monkeypatch.undo()
        celery_app.conf.task_always_eager = True


@pytest.fixture
def broker_down(monkeypatch):
    """A real (not eager) Celery whose every publish fails as kombu fails on a dead broker."""
    celery_app.conf.task_always_eager = False
    outage = Outage(monkeypatch)

    def refuse(self, *args, **kwargs):
        outage.refused += 1
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(Producer, "publish", refuse)
    yield outage
    outage.end()
