"""Partner API v1: /api/v1/. Each domain adds its routes by an include below."""

from django.urls import include, path

app_name = "api-v1"

urlpatterns = [
    path("", include("courier.api.shipment_urls")),
    path("", include("complaints.api.urls")),
]
