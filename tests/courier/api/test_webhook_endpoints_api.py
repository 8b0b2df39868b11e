"""A partner manages its own webhook endpoints through the API only."""

import pytest
from django.utils import timezone

from courier.core.models import Notification, WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhook-endpoints/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_create_shows_the_secret_once_and_reads_never_do(key_client):
    """API-06: create answers 201 with the secret; list and retrieve never show it."""
    client = key_client()
    response = post(
        client, URL, {"url": "https://hooks.example.com/c", "event_types": ["tracking.event_added"]}
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    endpoint = WebhookEndpoint.objects.get(pk=data["id"])
    assert data["secret"] == endpoint.secret and data["secret"].startswith("whsec_")
    assert (endpoint.partner, endpoint.event_types) == (client.partner, ["tracking.event_added"])
    assert "secret" not in client.get(f"{URL}{endpoint.pk}/").json()
    assert "secret" not in client.get(URL).json()["results"][0]


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/c",
        "https://127.0.0.1/c",
        "https://10.1.2.3/c",
        "https://[::1]/c",
        "https://localhost/c",
        "https://169.254.169.254/latest",
        "https://user:pw@hooks.example.com/c",
        "ftp://hooks.example.com/c",
        "not a url",
    ],
)
def test_create_refuses_plain_http_and_local_or_private_targets(key_client, url):
    """API-06: only https, and no loopback, private, link-local address: 400 on `url`."""
    client = key_client()
    response = post(client, URL, {"url": url})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "url" in response.json()["details"]
    assert not WebhookEndpoint.objects.exists()


def test_create_refuses_unknown_event_types(key_client):
    """API-06: an unknown event type answers 400 on event_types."""
    response = post(key_client(), URL, {"url": "https://h.example.com/", "event_types": ["x.y"]})
    assert response.status_code == 400 and "event_types" in response.json()["details"]


def test_change_events_rotate_disable_enable(key_client, settings):
    """API-06: PATCH changes the event types; rotation answers a new secret once and keeps
    the old one signing for WEBHOOK_SECRET_GRACE_HOURS; disable stops it without alerting
    staff; enable turns it back on."""
    client = key_client()
    created = post(client, URL, {"url": "https://h.example.com/"}).json()
    detail = f"{URL}{created['id']}/"
    changed = client.patch(
        detail, {"event_types": ["shipment.exception"]}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["event_types"] == ["shipment.exception"]
    before = timezone.now()
    rotated = post(client, detail + "rotate-secret/").json()
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])
    assert rotated["secret"] == endpoint.secret != created["secret"]
    assert endpoint.previous_secret == created["secret"]
    grace = (endpoint.previous_secret_expires_at - before).total_seconds()
    assert abs(grace - settings.WEBHOOK_SECRET_GRACE_HOURS * 3600) < 5
    disabled = post(client, detail + "disable/").json()
    assert disabled["is_active"] is False and not Notification.objects.exists()
    assert post(client, detail + "test/").status_code == 409
    assert post(client, detail + "enable/").json()["is_active"] is True


def test_delivery_log_and_resend(key_client):
    """API-06: the delivery log lists the endpoint's deliveries; a re-send is a new delivery of
    the same event (same message id) pointing at the one it repeats."""
    client = key_client()
    created = post(client, URL, {"url": "https://h.example.com/"}).json()
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])
    now = timezone.now()
    event = WebhookEvent.objects.create(
        partner=client.partner, event_type="shipment.exception", payload={}, created_at=now
    )
    delivery = WebhookDelivery.objects.create(
        event=event, endpoint=endpoint, state="failed", created_at=now
    )
    log = client.get(f"{URL}{endpoint.pk}/deliveries/").json()["results"]
    assert [(d["id"], d["message_id"], d["state"]) for d in log] == [
        (delivery.pk, event.msg_id, "failed")
    ]
    again = post(client, f"{URL}{endpoint.pk}/deliveries/{delivery.pk}/resend/")
    assert again.status_code == 202
    assert (again.json()["message_id"], again.json()["resend_of"]) == (event.msg_id, delivery.pk)
    assert endpoint.deliveries.count() == 2


def test_another_partners_endpoint_is_404_and_scopes_are_checked(key_client):
    """API-03, API-06: another partner's endpoint and its deliveries answer 404; a key without
    webhooks:write cannot register; one without webhooks:read cannot list."""
    a, b = key_client(), key_client()
    created = post(a, URL, {"url": "https://h.example.com/"}).json()
    for path in ("", "deliveries/"):
        assert b.get(f"{URL}{created['id']}/{path}").status_code == 404
    for action in ("rotate-secret/", "disable/", "test/"):
        assert post(b, f"{URL}{created['id']}/{action}").status_code == 404
    assert b.get(URL).json()["results"] == []
    reader = key_client(scopes=["webhooks:read"])
    refused = post(reader, URL, {"url": "https://h.example.com/"})
    assert (refused.status_code, refused.json()["code"]) == (403, "insufficient_scope")
    assert key_client(scopes=["shipments:read"]).get(URL).status_code == 403
