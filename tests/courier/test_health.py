import datetime as dt

import pytest
import time_machine
from celery import Celery
from django.utils import timezone

from courier.core.models import Heartbeat
from courier.core.services.system import heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthz_ok_with_fresh_tick(client):
    """Foundation: /healthz answers 200 with database, broker and a beat tick younger than 60 s."""
    heartbeat_record("beat")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["beat"]["ok"] is True
    assert body["checks"]["beat"]["age_seconds"] < 5
    assert body["checks"]["beat"]["max_age_seconds"] == 60


def test_healthz_503_without_any_tick(client):
    """Foundation: no beat tick recorded yet means the scheduler is not proven alive: 503."""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == {
        "ok": False,
        "error": "no tick recorded yet",
        "max_age_seconds": 60,
    }


def test_healthz_503_when_tick_is_stale(client):
    """Foundation: a tick older than 60 s turns /healthz to 503; exactly 60 s is still fine."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        heartbeat_record("beat")
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        assert client.get("/healthz").status_code == 200
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["age_seconds"] == 61.0


def test_healthz_503_when_broker_unreachable(client, monkeypatch):
    """Foundation: an unreachable broker (nothing listens on port 1) answers 503 with the error."""
    heartbeat_record("beat")
    dead_url = "redis://127.0.0.1:1/0"
    monkeypatch.setenv("CELERY_BROKER_URL", dead_url)  # Celery lets this variable win
    dead = Celery("dead", broker=dead_url, set_as_current=False)
    monkeypatch.setattr("courier.core.health.celery_app", dead)
    response = client.get("/healthz")
    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["ok"] is False
    assert "Error" in broker["error"]


def test_healthz_rejects_post(client):
    """Foundation: /healthz is read-only."""
    assert client.post("/healthz").status_code == 405


def test_heartbeat_task_counts_ticks():
    """Foundation: the heartbeat job records the last tick and counts every tick once."""
    from courier.tasks import heartbeat_tick

    heartbeat_tick.delay()
    heartbeat_tick.delay()
    beat = Heartbeat.objects.get(pk="beat")
    assert beat.ticks == 2
    assert (timezone.now() - beat.last_tick).total_seconds() < 5
