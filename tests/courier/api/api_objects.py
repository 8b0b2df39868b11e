"""Partner-owned objects of the platform's own endpoints (webhook endpoints and their delivery
log) for the security matrix (tests/api_registry.py)."""

from django.utils import timezone

from courier.core.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.api_registry import partner_object


@partner_object("courier.WebhookEndpoint", paths=["webhook-endpoints/{id}"])
def webhook_endpoint(partner):
    return WebhookEndpoint.objects.create(partner=partner, url="https://example.com/hooks")


@partner_object(
    None, paths=["webhook-endpoints/{endpoint_id}"], params=lambda e: {"endpoint_id": e.pk}
)
def webhook_endpoint_as_parent(partner):
    return webhook_endpoint(partner)


@partner_object(
    "courier.WebhookDelivery",
    paths=["webhook-endpoints/{endpoint_id}/deliveries/{id}"],
    params=lambda d: {"endpoint_id": d.endpoint_id, "id": d.pk},
)
def webhook_delivery(partner):
    now = timezone.now()
    event = WebhookEvent.objects.create(
        partner=partner, event_type="shipment.status_changed", payload={}, created_at=now
    )
    return WebhookDelivery.objects.create(
        event=event,
        endpoint=webhook_endpoint(partner),
        state=WebhookDelivery.FAILED,
        created_at=now,
    )
