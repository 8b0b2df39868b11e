"""Routes of the tracking API (included by ``courier/urls_api.py``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from tracking.api.public import TrackLookupView
from tracking.api.views import ShipmentEventViewSet, TrackingEventBatchView

router = SimpleRouter()
router.register(
    r"shipments/(?P<waybill_number>[0-9]{1,20})/events",
    ShipmentEventViewSet,
    basename="shipment-event",
)

urlpatterns = [
    path("tracking-events/", TrackingEventBatchView.as_view(), name="tracking-events"),
    # Public (no key): on the allow-list PUBLIC_ENDPOINTS of tests/api_registry.py.
    path("track/<str:waybill>/", TrackLookupView.as_view(), name="track"),
    *router.urls,
]
