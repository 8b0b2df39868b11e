"""PLT-12: ``/metrics`` (issue 17 point 5): Prometheus text with the escalation lag, the sweeps'
duration, the outbox backlog and the broker's queue depth, readable only by the allowed addresses,
the metrics token or a superuser."""

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.core.cache import cache

from courier.celery import app as celery_app
from courier.core import metrics
from courier.core.models import Notification
from courier.tasks import heartbeat_tick
from tests.complaints.factories import complaint_new, org_build
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SAMPLE = re.compile(r"^([a-z_]+)(\{[^}]*\})? (\S+)$")


def scrape(client, **headers) -> dict[str, float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    values = {}
    for line in response.content.decode().splitlines():
        if line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        values[match[1] + (match[2] or "")] = float(match[3])
    return values


@pytest.fixture(autouse=True)
def no_durations():
    for job in ("complaints_sla_sweep", "tracking_sweep"):
        cache.delete(metrics.DURATION_CACHE_PREFIX + job)


def test_every_family_has_help_and_type(client):
    """PLT-12: each family of the scrape is declared with # HELP and # TYPE before its
    samples, and the domains' collectors (complaints) are found through the registry."""
    text = client.get("/metrics").content.decode()
    declared = re.findall(r"^# TYPE (\S+) (gauge|counter)$", text, re.M)
    names = {name for name, _ in declared}
    assert {
        "courier_complaints_escalation_lag_seconds",
        "courier_complaints_sla_checks_due",
        "courier_job_last_duration_seconds",
        "courier_outbox_backlog",
        "courier_queue_depth",
        "courier_heartbeat_age_seconds",
        "courier_metrics_collector_errors",
    } <= names
    for name in names:
        assert text.index(f"# HELP {name} ") < text.index(f"# TYPE {name} ")


def test_escalation_lag_is_the_oldest_due_check(client):
    """CMP-03, PLT-12: the escalation lag is how long the oldest due SLA check has waited
    for the sweep (a major complaint's first check is at +24 min), 0 before it is due."""
    org = org_build()
    t0 = dt.datetime(2026, 3, 11, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False):
        complaint_new(org.agent.user, severity="major")
        assert scrape(client)["courier_complaints_escalation_lag_seconds"] == 0
    with time_machine.travel(t0 + dt.timedelta(minutes=24, seconds=90), tick=False):
        values = scrape(client)
    assert values["courier_complaints_escalation_lag_seconds"] == 90
    assert values["courier_complaints_sla_checks_due"] == 1


def test_sweep_duration_recorded_by_the_timed_task(client):
    """PLT-12: a run of the SLA sweep task records its duration and finish time, shown per
    job; a job that has not run yet has no sample."""
    from complaints.tasks import complaints_sla_sweep

    assert 'courier_job_last_duration_seconds{job="complaints_sla_sweep"}' not in scrape(client)
    complaints_sla_sweep.apply()
    values = scrape(client)
    duration = values['courier_job_last_duration_seconds{job="complaints_sla_sweep"}']
    assert 0 <= duration < 30
    assert 'courier_job_last_duration_seconds{job="tracking_sweep"}' not in values
    finished = values['courier_job_last_finished_timestamp_seconds{job="complaints_sla_sweep"}']
    assert abs(finished - dt.datetime.now(dt.UTC).timestamp()) < 60


def test_outbox_backlog_counts_rows_still_to_send(client):
    """PLT-12: notices still owed their e-mail are the outbox backlog; sent ones are not."""
    user = UserFactory(email="a@example.com")
    Notification.objects.create(recipient=user, subject="x")
    Notification.objects.create(recipient=user, subject="y", emailed_at=dt.datetime.now(dt.UTC))
    values = scrape(client)
    assert values['courier_outbox_backlog{kind="notification_email"}'] == 1
    assert values['courier_outbox_backlog{kind="webhook_delivery"}'] == 0


def test_queue_depth_counts_waiting_messages(client, settings):
    """PLT-12: the depth of a Celery queue is the number of messages waiting in the broker
    (file system or Redis)."""
    queue = f"metrics-{uuid.uuid4().hex[:8]}"
    settings.METRICS_QUEUES = [queue]
    celery_app.conf.task_always_eager = False
    try:
        assert scrape(client)[f'courier_queue_depth{{queue="{queue}"}}'] == 0
        assert scrape(client)["courier_metrics_collector_errors"] == 0
        heartbeat_tick.apply_async(kwargs={"name": "x"}, queue=queue)
        heartbeat_tick.apply_async(kwargs={"name": "y"}, queue=queue)
        assert scrape(client)[f'courier_queue_depth{{queue="{queue}"}}'] == 2
    finally:
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
    assert scrape(client)["courier_metrics_collector_errors"] == 0


def test_a_failing_collector_hides_nothing_else(client, monkeypatch):
    """PLT-12: a collector that fails (the broker down) is left out and counted; the other
    figures are still served."""

    def broken():
        raise ConnectionError("broker down")

    monkeypatch.setitem(
        metrics._METRICS,
        "courier_queue_depth",
        metrics.Metric("courier_queue_depth", "gauge", "x", broken),
    )
    values = scrape(client)
    assert values["courier_metrics_collector_errors"] == 1
    assert not any(k.startswith("courier_queue_depth") for k in values)
    assert "courier_complaints_escalation_lag_seconds" in values


@pytest.mark.parametrize(
    ("networks", "token", "headers", "superuser", "status"),
    [
        (["127.0.0.1/32"], "", {}, False, 200),
        (["10.0.0.0/8"], "", {}, False, 404),
        ([], "s3cret-token", {"HTTP_AUTHORIZATION": "Bearer s3cret-token"}, False, 200),
        ([], "s3cret-token", {"HTTP_AUTHORIZATION": "Bearer wrong"}, False, 404),
        ([], "", {"HTTP_AUTHORIZATION": "Bearer "}, False, 404),
        ([], "", {}, True, 200),
        ([], "", {}, False, 404),
    ],
)
def test_metrics_are_not_public(client, settings, networks, token, headers, superuser, status):
    """PLT-12: /metrics answers only an allowed address (the test client is 127.0.0.1), the
    configured bearer token or a signed-in superuser; anyone else gets 404, and an empty
    token never matches."""
    settings.METRICS_ALLOWED_NETWORKS = networks
    settings.METRICS_TOKEN = token
    if superuser:
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
    else:
        client.force_login(UserFactory(is_staff=True))
    assert client.get("/metrics", **headers).status_code == status


def test_metrics_is_get_only(client, settings):
    """PLT-12: a POST is refused (405) even from an allowed address: the scrape is GET only."""
    assert client.post("/metrics").status_code == 405
