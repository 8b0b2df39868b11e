"""Routes of the platform's own partner endpoints (included by ``courier/urls_api.py``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from courier.core.api.webhooks import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = SimpleRouter()
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")

deliveries = "webhook-endpoints/<int:endpoint_id>/deliveries/"
urlpatterns = [
    *router.urls,
    path(
        deliveries,
        WebhookDeliveryViewSet.as_view({"get": "list"}),
        name="webhook-delivery-list",
    ),
    path(
        deliveries + "<int:pk>/",
        WebhookDeliveryViewSet.as_view({"get": "retrieve"}),
        name="webhook-delivery-detail",
    ),
    path(
        deliveries + "<int:pk>/resend/",
        WebhookDeliveryViewSet.as_view({"post": "resend"}),
        name="webhook-delivery-resend",
    ),
]
