from django.contrib import admin
from django.urls import include, path

from courier.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("courier.urls_api")),
    path("staff/", include("staffing.urls")),
    path("scoring/", include("staffing.urls_scoring")),
    path("complaints/", include("complaints.urls")),
    path("track/", include("tracking.urls")),
]
