"""Routes of the shipments API (included by ``courier/api/urls.py``)."""

from rest_framework.routers import SimpleRouter

from courier.shipments.api.views import ReturnViewSet, ShipmentViewSet

router = SimpleRouter()
router.register("shipments", ShipmentViewSet, basename="shipment")
router.register("returns", ReturnViewSet, basename="return")

urlpatterns = router.urls
