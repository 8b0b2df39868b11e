"""PLT-01, PLT-02 (issue 12 item 3): after-commit work never fails a committed request.

The broker is made unreachable the way kombu reports it (``OperationalError`` from the publish):
the request still answers its normal status, a retry with the same Idempotency-Key replays the
first answer, exactly one row is written, and the outbox row (webhook delivery, notice e-mail,
customer mail) stays unsent until the periodic dispatcher sends it.
"""

import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import path, reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from rest_framework.response import Response

from complaints.models import Complaint
from courier.core.api.base import ANY_KEY, PartnerAPIView
from courier.core.models import (
    Heartbeat,
    IdempotencyRecord,
    Notification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from courier.core.services.notifications import notifications_email_dispatch_due
from courier.core.services.webhooks import webhook_deliveries_dispatch_due
from courier.urls import urlpatterns as site_urlpatterns
from staffing.models import PunchCorrection
from tests.courier import outage
from tests.courier.api import test_webhooks
from tests.staffing.factories import at, team

broker_down = outage.broker_down  # fixtures shared with the other outage tests
receiver = test_webhooks.receiver

BODY = {
    "category": "delay",
    "description": "三天未到",
    "customer_name": "王先生",
    "customer_phone": "13800000000",
}


def _post(client, key="complaint-1"):
    return client.post(
        "/api/v1/complaints/", BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.mark.django_db(transaction=True)
def test_complaint_post_with_the_broker_down_answers_201_once_and_replays(
    key_client,
    broker_down,
    receiver,
    caplog,
):
    """PLT-01, PLT-02: with the broker unreachable a complaint POST answers 201 (no 500); two
    retries with the same Idempotency-Key replay it: exactly one complaint and one webhook
    delivery row; the delivery is sent later by the sweep and its attempt is logged."""
    client = key_client()
    endpoint = WebhookEndpoint.objects.create(partner=client.partner, url=receiver.url)
    with caplog.at_level(logging.WARNING, logger="courier.outbox"):
        first = _post(client)
        again = [_post(client), _post(client)]
    assert first.status_code == 201, first.content
    assert [(r.status_code, r["Idempotent-Replayed"]) for r in again] == [(201, "true")] * 2
    assert [r.json() for r in again] == [first.json()] * 2
    assert Complaint.objects.count() == 1
    assert IdempotencyRecord.objects.get(key="complaint-1").response_status == 201
    assert broker_down.refused >= 1
    assert any("could not queue webhook delivery" in r.getMessage() for r in caplog.records)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.state, delivery.attempts) == (endpoint, "pending", 0)
    assert receiver.received == []

    # The broker is back (eager again): the per-minute sweep sends what is owed.
    broker_down.end()
    assert webhook_deliveries_dispatch_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("succeeded", 1)
    assert len(receiver.received) == 1
    assert receiver.received[0]["headers"]["webhook-id"] == delivery.event.msg_id
    assert list(WebhookAttempt.objects.values_list("number", "status_code")) == [(1, 200)]


@pytest.mark.django_db(transaction=True)
def test_a_post_without_idempotency_key_also_answers_201_with_the_broker_down(
    key_client, broker_down
):
    """PLT-01: the broker outage never reaches the client, key or no key."""
    client = key_client()
    WebhookEndpoint.objects.create(partner=client.partner, url="https://hooks.example/x")
    response = client.post("/api/v1/complaints/", BODY, content_type="application/json")
    assert response.status_code == 201
    assert Complaint.objects.count() == 1
    assert WebhookDelivery.objects.filter(state="pending", attempts=0).count() == 1


# --- a raising on_commit hook (code not yet on the outbox helper) ---------------------------


class CommitThenHookFails(PartnerAPIView):
    """Writes a row, then registers an after-commit hook that raises like ``task.delay`` does
    with the broker down."""

    required_scopes = {"post": ANY_KEY}

    def post(self, request):
        with transaction.atomic():
            Heartbeat.objects.create(
                name=f"hook-{Heartbeat.objects.count()}", last_tick=timezone.now()
            )

            def hook():
                raise OperationalError("[Errno 111] Connection refused")

            transaction.on_commit(hook)
        written = Heartbeat.objects.filter(name__startswith="hook-").count()
        return Response({"written": written}, status=201)


urlpatterns = [path("api/t/hook-fails/", CommitThenHookFails.as_view()), *site_urlpatterns]


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_a_failing_after_commit_hook_cannot_turn_a_committed_write_into_a_500(key_client, caplog):
    """PLT-01: the idempotency record commits with the work; a hook that raises after
    the commit is logged and the committed 201 is the answer, so a retry replays it."""
    client = key_client()
    with caplog.at_level(logging.ERROR, logger="courier.api"):
        first = client.post(
            "/api/t/hook-fails/", {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="hook-1"
        )
    assert (first.status_code, first.json()) == (201, {"written": 1})
    assert any("the committed answer stands" in r.getMessage() for r in caplog.records)
    again = client.post(
        "/api/t/hook-fails/", {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="hook-1"
    )
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (
        201,
        {"written": 1},
        "true",
    )
    assert Heartbeat.objects.filter(name__startswith="hook-").count() == 1


# --- staff pages: a correction with the broker down ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_correction_with_the_broker_down_is_saved_once_and_its_mail_is_retried(
    client, broker_down, settings
):
    """PLT-01, PLT-02: POST /staff/corrections/new/ with the broker unreachable redirects as
    usual (no 500), saves one correction and one notice for the supervisor; the notice's e-mail
    is owed and the notification dispatcher sends it once the broker is back."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(at("2026-03-02", "10:00"), tick=False):
        supervisor, (agent,) = team(1)
        supervisor.user.email = "boss@example.com"
        supervisor.user.save()
        client.force_login(agent.user)
        response = client.post(
            reverse("staffing:correction_new"),
            {"date": "2026-03-01", "time": "18:30", "direction": "out", "reason": "card reader"},
        )
    assert response.status_code == 302
    assert PunchCorrection.objects.count() == 1
    notice = Notification.objects.get(recipient=supervisor.user)
    assert notice.emailed_at is None
    assert broker_down.refused == 1
    assert mail.outbox == []

    broker_down.end()
    later = notice.created_at + dt.timedelta(minutes=3)
    assert notifications_email_dispatch_due(now=later) == 1
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert notifications_email_dispatch_due(now=later) == 0  # sent once
    assert len(mail.outbox) == 1
