"""PLT-01, PLT-02, PLT-03 (issue 12 item 7): chaos tests. Each starts its own ``redis-server`` on a
spare port (never the shared one) or its own worker, breaks it mid-traffic, and proves: no 5xx, one
row per Idempotency-Key, every webhook delivered and every attempt logged.
Run in the PostgreSQL + Redis pass (``REDIS_URL`` and ``CELERY_BROKER_URL`` are Redis); skipped
otherwise. Each test is bounded: it fails rather than hangs (``deadline``).
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.settings import api_settings

from complaints.models import Complaint
from courier.celery import app as celery_app
from courier.core.api import throttling
from courier.core.models import IdempotencyRecord, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from courier.core.services.webhooks import INTERRUPTED, webhook_deliveries_dispatch_due
from tests.conftest import RealWorker
from tests.courier.api import test_webhooks

receiver = test_webhooks.receiver

_REDIS_PASS = settings.REDIS_URL.startswith("redis://") and settings.CELERY_BROKER_URL.startswith(
    "redis://"
)
pytestmark = [
    pytest.mark.chaos,
    pytest.mark.skipif(
        not _REDIS_PASS or shutil.which("redis-server") is None,
        reason="chaos tests run in the PostgreSQL + Redis pass (REDIS_URL, CELERY_BROKER_URL)",
    ),
]

BODY = {
    "category": "delay",
    "description": "三天未到",
    "customer_name": "王先生",
    "customer_phone": "13800000000",
}


def _free_port(start: int = 6390) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for a private redis-server")


class PrivateRedis:
    """A throwaway redis-server; ``stop()``/``start()`` affect only this process."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()  # as abrupt as a crash
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis():
    server = PrivateRedis().start()
    yield server
    server.stop()


@contextmanager
def deadline(seconds: float):
    started = time.monotonic()
    yield
    assert time.monotonic() - started < seconds, f"took longer than {seconds} s"


@pytest.fixture
def rates(monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "partner_key", "20/min")
    monkeypatch.setattr(throttling, "FALLBACK_RETRY_SECONDS", 0.5)
    throttling.throttle_cache.reset()
    yield
    throttling.throttle_cache.reset()


def _post(client, key):
    return client.post(
        "/api/v1/complaints/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.mark.django_db(transaction=True)
def test_cache_redis_stopped_during_api_calls(private_redis, key_client, rates):
    """PLT-03: the cache Redis is killed between API calls: GET /me/ and keyed
    POSTs keep answering (no 5xx), throttling still limits in the process, each key makes one
    complaint; when Redis is back the shared counters are used again."""
    cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    client = key_client()
    statuses = []
    with override_settings(CACHES=cache), deadline(60):
        statuses += [client.get("/api/v1/me/").status_code for _ in range(3)]
        statuses.append(_post(client, "before").status_code)
        assert throttling.throttle_cache.fallbacks == 0
        private_redis.stop()
        statuses += [client.get("/api/v1/me/").status_code for _ in range(3)]
        statuses += [_post(client, "during").status_code for _ in range(3)]
        statuses += [_post(client, "before").status_code]
        assert throttling.throttle_cache.fallbacks > 0
        # The per-process limit still holds: 20/min, 11 used so far in this process' memory
        # (the fallback started empty), so the next requests reach 429, never 5xx.
        more = [client.get("/api/v1/me/").status_code for _ in range(25)]
        assert 429 in more and set(more) <= {200, 429}
        private_redis.start()
        time.sleep(0.6)  # past FALLBACK_RETRY_SECONDS: the shared cache is tried again
        before = throttling.throttle_cache.fallbacks
        back = client.get("/api/v1/me/")
        assert back.status_code in (200, 429)
        assert throttling.throttle_cache.fallbacks == before
    assert all(s < 500 for s in statuses), statuses
    assert statuses[:4] == [200, 200, 200, 201]
    assert statuses[4:] == [200, 200, 200, 201, 201, 201, 201]
    assert Complaint.objects.count() == 2  # one per key
    assert IdempotencyRecord.objects.filter(state="done").count() == 2


@contextmanager
def celery_broker(url: str):
    """Point the test process' Celery at ``url`` (not eager, fresh connection pools), then back
    to the suite's broker, eager again."""
    saved_env = os.environ.get("CELERY_BROKER_URL")
    saved_url = celery_app.conf.broker_url

    def fresh_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    os.environ["CELERY_BROKER_URL"] = url  # Celery lets this variable win over conf
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    fresh_pools()
    try:
        yield
    finally:
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        celery_app.conf.broker_url = saved_url
        celery_app.conf.task_always_eager = True
        fresh_pools()


@pytest.mark.django_db(transaction=True)
def test_broker_stopped_during_complaint_posts_and_retries(
    private_redis, key_client, receiver, rates, caplog
):
    """PLT-01, PLT-02: the broker Redis is killed between complaint POSTs and their
    retries: every POST answers 201 (no 5xx), every retry replays, one complaint per key; the
    deliveries that could not be queued wait and the sweep delivers every one, each logged."""
    client = key_client()
    WebhookEndpoint.objects.create(partner=client.partner, url=receiver.url)
    answers = {}
    with celery_broker(private_redis.url), deadline(90), caplog.at_level("WARNING"):
        answers["k1"] = [_post(client, "k1")]  # queued in the private broker (no worker)
        private_redis.stop()
        for key in ("k2", "k3"):
            answers[key] = [_post(client, key) for _ in range(3)]
        answers["k1"].append(_post(client, "k1"))
    statuses = [r.status_code for rs in answers.values() for r in rs]
    assert statuses == [201] * len(statuses)
    refused = [r for r in caplog.records if "could not queue webhook delivery" in r.getMessage()]
    assert len(refused) == 2  # k2 and k3: the broker was down; k1 was queued before
    for responses in answers.values():
        assert all(r.json() == responses[0].json() for r in responses)
        assert [r.get("Idempotent-Replayed") for r in responses[1:]] == ["true"] * (
            len(responses) - 1
        )
    assert Complaint.objects.count() == 3
    assert WebhookDelivery.objects.filter(state="pending", attempts=0).count() == 3
    private_redis.start()  # the message of k1 was lost with the killed Redis: the sweep covers it

    # The broker is back; the sweep (eager here) sends everything owed.
    with deadline(60):
        assert webhook_deliveries_dispatch_due() == 3
    assert WebhookDelivery.objects.filter(state="succeeded").count() == 3
    assert len(receiver.received) == 3
    assert WebhookAttempt.objects.filter(status_code=200).count() == 3
    ids = {r["headers"]["webhook-id"] for r in receiver.received}
    assert len(ids) == 3


@pytest.mark.realworker
@pytest.mark.django_db(transaction=True)
def test_worker_sigkilled_during_webhook_delivery(receiver, monkeypatch, real_celery):
    """PLT-02: a worker is SIGKILLed while its webhook POST is in flight: the
    delivery is retried once its lease expires, the receiver gets it (twice: at least once,
    same webhook-id) and the log shows both attempts, the killed one as interrupted."""
    from courier.core.services.webhooks import webhook_event_emit
    from courier.core.tasks import webhook_deliver
    from tests.factories import PartnerFactory

    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    partner = PartnerFactory()
    WebhookEndpoint.objects.create(partner=partner, url=receiver.url)
    receiver.delay = 30  # the first POST hangs until the worker is killed
    worker = RealWorker()
    try:
        with deadline(120):
            assert worker.drain(timeout=60), worker.stop()
            event = webhook_event_emit(partner, "shipment.status_changed", {"n": 1})
            delivery = WebhookDelivery.objects.get(event=event)
            webhook_deliver.apply_async(args=[delivery.pk], queue=worker.queue)
            while not receiver.received:
                time.sleep(0.1)
                assert worker.process.poll() is None, worker.stop()
            os.kill(worker.process.pid, signal.SIGKILL)
            worker.process.wait(timeout=10)
    finally:
        worker.stop()
    receiver.delay = 0
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert not WebhookAttempt.objects.filter(delivery=delivery).exists()
    # The lease (3 x the timeout) has run out: make it so, then let the sweep retry.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.last_attempt_at)
    celery_app.conf.task_always_eager = True
    assert webhook_deliveries_dispatch_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("succeeded", 2)
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code, a.error) for a in log] == [
        (1, None, INTERRUPTED),
        (2, 200, ""),
    ]
    assert [r["headers"]["webhook-id"] for r in receiver.received] == [event.msg_id] * 2
