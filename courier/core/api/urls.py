"""Routes of the platform's own partner endpoints (included by ``courier/urls_api.py``)."""

from django.urls import path, register_converter
from rest_framework.routers import SimpleRouter

from courier.core.api.webhooks import WebhookDeliveryViewSet, WebhookEndpointViewSet


class _IdConverter:
    """A row id: at most 18 digits, so a huge number is a 404, never a database overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(_IdConverter, "rowid")

router = SimpleRouter()
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")

deliveries = "webhook-endpoints/<rowid:endpoint_id>/deliveries/"
urlpatterns = [
    *router.urls,
    path(
        deliveries,
        WebhookDeliveryViewSet.as_view({"get": "list"}),
        name="webhook-delivery-list",
    ),
    path(
        deliveries + "<rowid:pk>/",
        WebhookDeliveryViewSet.as_view({"get": "retrieve"}),
        name="webhook-delivery-detail",
    ),
    path(
        deliveries + "<rowid:pk>/resend/",
        WebhookDeliveryViewSet.as_view({"post": "resend"}),
        name="webhook-delivery-resend",
    ),
]
