import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from courier.core.models import (
    Notification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from courier.core.services.webhooks import (
    WebhookTargetRefused,
    webhook_deliveries_dispatch_due,
    webhook_delivery_attempt,
    webhook_endpoint_rotate_secret,
    webhook_event_emit,
    webhook_retry_delay,
    webhook_target_resolve,
)
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def receiver(settings):
    """A tiny HTTP server on 127.0.0.1; ``plan`` lists the statuses to answer (then 200)."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    state = SimpleNamespace(received=[], plan=[], delay=0.0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            state.received.append({"headers": dict(self.headers.items()), "body": body})
            if state.delay:
                time.sleep(state.delay)
            status = state.plan.pop(0) if state.plan else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/courier"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def emit(django_capture_on_commit_callbacks):
    """``webhook_event_emit`` followed by its commit (the test's transaction never commits)."""

    def run(*args):
        with django_capture_on_commit_callbacks(execute=True):
            return webhook_event_emit(*args)

    return run


def _endpoint(partner, url, **kwargs):
    return WebhookEndpoint.objects.create(partner=partner, url=url, **kwargs)


def test_event_is_written_in_the_callers_transaction_and_sent_after_commit(
    receiver, django_capture_on_commit_callbacks
):
    """API-06: outbox row in the same transaction; delivery signed (Standard Webhooks) after
    commit and verified by the library's verifier."""
    partner = PartnerFactory()
    endpoint = _endpoint(partner, receiver.url)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = webhook_event_emit(
            partner, "shipment.status_changed", {"waybill_no": "SF1", "status": "delivered"}
        )
        assert WebhookDelivery.objects.get(event=event).state == "pending"
        assert receiver.received == []  # nothing leaves before commit
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    [hit] = receiver.received
    assert hit["headers"]["webhook-id"] == event.msg_id
    payload = Webhook(endpoint.secret).verify(hit["body"], hit["headers"])
    assert payload["type"] == "shipment.status_changed"
    assert payload["data"] == {"waybill_no": "SF1", "status": "delivered"}
    assert payload["timestamp"].endswith("Z")


def test_rolled_back_change_leaves_no_event(receiver):
    """API-06: the outbox row shares the fate of the change."""
    partner = PartnerFactory()
    _endpoint(partner, receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        webhook_event_emit(partner, "complaint.status_changed", {"id": 1})
        raise RuntimeError("the domain change failed")
    assert WebhookEvent.objects.count() == 0 and WebhookDelivery.objects.count() == 0
    assert receiver.received == []


def test_old_timestamp_is_rejected_by_the_verifier(emit, receiver, time_machine):
    """API-06: a captured delivery replayed later fails verification (timestamp tolerance)."""
    partner = PartnerFactory()
    endpoint = _endpoint(partner, receiver.url)
    emit(partner, "shipment.status_changed", {"n": 1})
    [hit] = receiver.received
    Webhook(endpoint.secret).verify(hit["body"], hit["headers"])
    time_machine.move_to(timezone.now() + timedelta(minutes=6))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(endpoint.secret).verify(hit["body"], hit["headers"])
    tampered = hit["body"].replace('"n":1', '"n":2')
    time_machine.move_to(timezone.now() - timedelta(minutes=6))
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(endpoint.secret).verify(tampered, hit["headers"])


def test_subscriptions_and_inactive_endpoints(emit, receiver):
    """API-06: only active endpoints subscribed to the type receive it; unknown types are bugs."""
    partner, other = PartnerFactory(), PartnerFactory()
    _endpoint(partner, receiver.url + "/all")
    _endpoint(partner, receiver.url + "/complaints", event_types=["complaint.status_changed"])
    _endpoint(partner, receiver.url + "/off", is_active=False)
    _endpoint(other, receiver.url + "/other")
    emit(partner, "shipment.status_changed", {})
    emit(partner, "complaint.status_changed", {})
    paths = sorted((h["headers"]["Host"], json.loads(h["body"])["type"]) for h in receiver.received)
    assert len(paths) == 3
    assert WebhookDelivery.objects.filter(endpoint__url__endswith="/complaints").count() == 1
    assert WebhookDelivery.objects.filter(endpoint__partner=other).count() == 0
    with pytest.raises(ValueError, match="unknown webhook event type"):
        emit(partner, "shipment.teleported", {})


def test_retry_schedule_is_exponential_over_about_three_days(settings):
    """API-06: 1, 2, 4, ... minutes; the 13 tries span about three days."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    delays = [webhook_retry_delay(n, base) for n in range(1, settings.WEBHOOK_MAX_ATTEMPTS)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    total = sum(delays, timedelta())
    assert total == timedelta(minutes=4095)
    assert timedelta(days=2.5) < total < timedelta(days=3.5)


def test_failed_delivery_is_retried_when_due_then_succeeds(emit, receiver, time_machine):
    """API-06: a 5xx is retried after the backoff by the sweep; each try is logged."""
    time_machine.move_to(timezone.now(), tick=False)
    partner = PartnerFactory()
    endpoint = _endpoint(partner, receiver.url)
    receiver.plan[:] = [500, 503]
    event = emit(partner, "shipment.status_changed", {"n": 1})
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500")
    first_due = delivery.next_attempt_at
    assert first_due - delivery.last_attempt_at == timedelta(minutes=1)
    assert webhook_deliveries_dispatch_due() == 0  # not due yet
    assert webhook_delivery_attempt(delivery.pk) == "pending" and len(receiver.received) == 1
    time_machine.move_to(first_due + timedelta(seconds=1), tick=False)
    assert webhook_deliveries_dispatch_due() == 1
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (2, 503)
    assert delivery.next_attempt_at - delivery.last_attempt_at == timedelta(minutes=2)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    time_machine.move_to(delivery.next_attempt_at + timedelta(seconds=1), tick=False)
    webhook_deliveries_dispatch_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("succeeded", 3)
    assert list(
        WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status_code")
    ) == [(1, 500), (2, 503), (3, 200)]
    # The same webhook-id on every try, so the partner can de-duplicate.
    assert {h["headers"]["webhook-id"] for h in receiver.received} == {event.msg_id}
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None
    assert webhook_delivery_attempt(delivery.pk) == "succeeded"  # a duplicate task is harmless
    assert len(receiver.received) == 3


def test_delivery_gives_up_after_the_last_try(emit, receiver, settings, time_machine):
    """API-06: after WEBHOOK_MAX_ATTEMPTS failures the delivery is failed."""
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    time_machine.move_to(timezone.now(), tick=False)
    partner = PartnerFactory()
    _endpoint(partner, receiver.url)
    receiver.plan[:] = [500, 500]
    event = emit(partner, "shipment.status_changed", {})
    time_machine.move_to(timezone.now() + timedelta(minutes=2), tick=False)
    webhook_deliveries_dispatch_due()
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)


def test_endpoint_failing_for_a_day_is_disabled_and_ops_alerted(emit, receiver, time_machine):
    """API-06: no success for 24 hours → endpoint disabled, its pending deliveries failed,
    managers and supervisors notified once."""
    time_machine.move_to(timezone.now(), tick=False)
    manager = UserFactory(username="mgr1")
    manager.groups.add(Group.objects.get(name="manager"))
    supervisor = UserFactory(username="sup1")
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    agent = UserFactory(username="agent1")
    agent.groups.add(Group.objects.get(name="agent"))
    partner = PartnerFactory()
    endpoint = _endpoint(partner, receiver.url)
    receiver.plan[:] = [500] * 20
    first = emit(partner, "shipment.status_changed", {"n": 1})
    endpoint.refresh_from_db()
    started = endpoint.failing_since
    time_machine.move_to(started + timedelta(hours=23, minutes=59), tick=False)
    emit(partner, "shipment.status_changed", {"n": 2})
    endpoint.refresh_from_db()
    assert endpoint.is_active
    time_machine.move_to(started + timedelta(hours=24, minutes=1), tick=False)
    webhook_deliveries_dispatch_due()
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at == timezone.now()
    assert "Failing since" in endpoint.disabled_reason
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"failed"}
    notes = Notification.objects.filter(link__contains=f"/webhookendpoint/{endpoint.pk}/")
    assert sorted(n.recipient.username for n in notes) == ["mgr1", "sup1"]
    assert partner.code in notes[0].subject
    # Disabled: new events create no deliveries, nothing is sent.
    sent = len(receiver.received)
    emit(partner, "shipment.status_changed", {"n": 3})
    assert len(receiver.received) == sent
    assert WebhookDelivery.objects.filter(event__payload={"n": 3}).count() == 0
    assert first.deliveries.get().state == "failed"


def test_secret_rotation_signs_with_both_during_the_grace_period(emit, receiver, time_machine):
    """API-06: after rotation old and new secrets both verify until the grace period ends."""
    time_machine.move_to(timezone.now(), tick=False)
    partner = PartnerFactory()
    endpoint = _endpoint(partner, receiver.url)
    old_secret = endpoint.secret
    endpoint = webhook_endpoint_rotate_secret(endpoint)
    assert endpoint.secret != old_secret and endpoint.previous_secret == old_secret
    emit(partner, "shipment.status_changed", {"n": 1})
    hit = receiver.received[-1]
    assert len(hit["headers"]["webhook-signature"].split(" ")) == 2
    Webhook(old_secret).verify(hit["body"], hit["headers"])
    Webhook(endpoint.secret).verify(hit["body"], hit["headers"])
    time_machine.move_to(timezone.now() + timedelta(hours=24, seconds=1), tick=False)
    emit(partner, "shipment.status_changed", {"n": 2})
    hit = receiver.received[-1]
    assert len(hit["headers"]["webhook-signature"].split(" ")) == 1
    Webhook(endpoint.secret).verify(hit["body"], hit["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(hit["body"], hit["headers"])


def test_private_and_loopback_targets_are_refused_outside_tests(emit, settings, receiver):
    """API-06: with WEBHOOK_ALLOW_PRIVATE_TARGETS off nothing is sent to such addresses."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    for url in (
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://192.168.1.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "ftp://example.com/x",
    ):
        with pytest.raises(WebhookTargetRefused):
            webhook_target_resolve(url)
    partner = PartnerFactory()
    _endpoint(partner, receiver.url)
    event = emit(partner, "shipment.status_changed", {})
    delivery = event.deliveries.get()
    assert receiver.received == []
    assert delivery.last_error.startswith("refused:") and delivery.state == "pending"


def test_slow_endpoint_times_out_and_is_retried(emit, receiver, settings):
    """API-06: the request has a timeout (10 s in production); a timeout is a failed try."""
    assert settings.WEBHOOK_TIMEOUT_SECONDS == 10
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    partner = PartnerFactory()
    _endpoint(partner, receiver.url)
    delivery = emit(partner, "shipment.status_changed", {}).deliveries.get()
    assert delivery.state == "pending" and "timed out" in delivery.last_error.lower()


def test_admin_resend_action_sends_the_event_again(
    emit, receiver, client, django_capture_on_commit_callbacks
):
    """API-06: the delivery log is in the admin; re-send queues a new delivery, same webhook-id."""
    partner = PartnerFactory()
    _endpoint(partner, receiver.url)
    event = emit(partner, "shipment.status_changed", {"n": 1})
    original = event.deliveries.get()
    client.force_login(UserFactory(username="root", is_superuser=True))
    page = client.get("/admin/courier/webhookdelivery/")
    assert page.status_code == 200 and event.msg_id in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/courier/webhookdelivery/",
            {"action": "resend", "_selected_action": [original.pk]},
            follow=True,
        )
    assert response.status_code == 200
    copy = WebhookDelivery.objects.get(resend_of=original)
    assert copy.state == "succeeded"
    assert [h["headers"]["webhook-id"] for h in receiver.received] == [event.msg_id] * 2
    detail = client.get(f"/admin/courier/webhookdelivery/{original.pk}/change/")
    assert detail.status_code == 200
