import datetime as dt

import pytest
import time_machine
from celery import Celery
from django.utils import timezone

from courier.core.models import Heartbeat
from courier.core.services.system import heartbeat_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_startup_grace(settings):
    """The checks themselves, outside the start-up grace (its own tests set it)."""
    settings.HEALTH_STARTUP_GRACE_SECONDS = 0


@pytest.fixture
def staff_client(client):
    """Signed-in staff see each check's details; anonymous callers only names and ok flags."""
    client.force_login(UserFactory(is_staff=True))
    return client


def test_healthz_ok_with_fresh_tick(staff_client):
    """PLT-15: /healthz answers 200 with database, broker and a beat tick younger than 60 s."""
    client = staff_client
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


def test_healthz_503_without_any_tick(staff_client):
    """PLT-15: no beat tick recorded yet means the scheduler is not proven alive: 503."""
    client = staff_client
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == {
        "ok": False,
        "error": "no tick recorded yet",
        "max_age_seconds": 60,
    }


def test_healthz_503_when_tick_is_stale(staff_client):
    """PLT-15: a tick older than 60 s turns /healthz to 503; exactly 60 s is still fine."""
    client = staff_client
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        heartbeat_record("beat")
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        assert client.get("/healthz").status_code == 200
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["age_seconds"] == 61.0


def test_healthz_503_when_broker_unreachable(staff_client, monkeypatch):
    """PLT-15: an unreachable broker (nothing listens on port 1) answers 503 with the error
    (shown to staff; see below for anonymous callers)."""
    client = staff_client
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
    """PLT-15: /healthz is read-only."""
    assert client.post("/healthz").status_code == 405


def test_heartbeat_task_counts_ticks():
    """PLT-15: the heartbeat job records the last tick and counts every tick once."""
    from courier.tasks import heartbeat_tick

    heartbeat_tick.delay()
    heartbeat_tick.delay()
    beat = Heartbeat.objects.get(pk="beat")
    assert beat.ticks == 2
    assert (timezone.now() - beat.last_tick).total_seconds() < 5


def _dead_broker(monkeypatch):
    dead_url = "redis://127.0.0.1:1/0"
    monkeypatch.setenv("CELERY_BROKER_URL", dead_url)
    dead = Celery("dead", broker=dead_url, set_as_current=False)
    monkeypatch.setattr("courier.core.health.celery_app", dead)


def test_healthz_anonymous_sees_only_component_names_and_ok_flags(client, monkeypatch, caplog):
    """PLT-04: an anonymous caller gets each component's name and ok flag only; the
    raw error text of a failing check goes to the server log, never into the body."""
    heartbeat_record("beat")
    _dead_broker(monkeypatch)
    with caplog.at_level("WARNING", logger="courier.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {
            "database": {"ok": True},
            "cache": {"ok": True},
            "broker": {"ok": False},
            "beat": {"ok": True},
        },
    }
    assert "Connection refused" not in response.content.decode()
    [line] = [r.getMessage() for r in caplog.records if r.name == "courier.health"]
    assert line.startswith("healthz: broker failing: OperationalError: ")
    assert "127.0.0.1:1" in line


def test_healthz_reports_the_cache_separately_and_degrades_without_failing(
    staff_client, monkeypatch
):
    """PLT-04, PLT-03: the cache is its own component; while it is down the node still serves
    (200, status "degraded"), because the API falls back to per-process throttles."""
    heartbeat_record("beat")

    class DeadCache:
        def set(self, *a, **k):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr("courier.core.health.caches", {"default": DeadCache()})
    response = staff_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == {
        "ok": False,
        "error": "ConnectionError: Error 111 connecting to 127.0.0.1:6399. Connection refused.",
    }
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["cache"]


# --- the start-up grace (issue 17.4: /healthz was 503 for the first minute of a demo) ---------
@pytest.fixture
def just_started(monkeypatch, settings):
    """This web process started 10 s ago, with a 120 s grace."""
    import time

    settings.HEALTH_STARTUP_GRACE_SECONDS = 120
    monkeypatch.setattr("courier.core.health.PROCESS_STARTED", time.monotonic() - 10)


def test_healthz_starting_while_the_first_tick_is_awaited(staff_client, just_started):
    """PLT-15: right after start, a missing beat tick is "starting" (200), with the beat
    check still saying why; everything else is checked as usual."""
    response = staff_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "starting"
    assert body["checks"]["beat"] == {
        "ok": False,
        "error": "no tick recorded yet",
        "max_age_seconds": 60,
    }
    assert body["checks"]["database"]["ok"] is True


def test_healthz_starting_covers_a_stale_tick_of_the_last_run(client, just_started):
    """PLT-15, PLT-04: a restart finds the previous run's old tick: "starting" too, and anonymous
    callers see the status with ok flags only."""
    start = timezone.now() - dt.timedelta(hours=3)
    with time_machine.travel(start, tick=False):
        heartbeat_record("beat")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "starting",
        "checks": {
            "database": {"ok": True},
            "cache": {"ok": True},
            "broker": {"ok": True},
            "beat": {"ok": False},
        },
    }


def test_healthz_fails_after_the_grace_and_on_other_failures(
    staff_client, just_started, monkeypatch, settings
):
    """PLT-15: the grace covers only the beat: a broken broker is 503 at once; once the
    grace is over a missing tick is 503; a fresh tick is "ok"."""
    dead_url = "redis://127.0.0.1:1/0"
    with monkeypatch.context() as m:
        m.setenv("CELERY_BROKER_URL", dead_url)
        dead = Celery("dead", broker=dead_url, set_as_current=False)
        m.setattr("courier.core.health.celery_app", dead)
        assert staff_client.get("/healthz").status_code == 503
    settings.HEALTH_STARTUP_GRACE_SECONDS = 10
    response = staff_client.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (503, "fail")
    heartbeat_record("beat")
    response = staff_client.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "ok")
