"""Partner API v1: /api/v1/. Each domain adds its routes by an include below (before the last,
catch-all line, which answers unknown paths with a JSON 404)."""

from django.urls import include, path, re_path

from courier.core.api.views import MeView, PartnerDocsView, PartnerSchemaView, api_not_found

app_name = "api-v1"

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("schema/", PartnerSchemaView.as_view(), name="schema"),
    path("docs/", PartnerDocsView.as_view(url_name="api-v1:schema"), name="docs"),
    path("", include("courier.core.api.urls")),
    path("", include("courier.shipments.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("tracking.api.urls")),
    path("", include("courier.finance.api.urls")),
    re_path(r"^.*$", api_not_found, name="not-found"),
]
