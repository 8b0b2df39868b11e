from django.contrib import admin
from django.urls import include, path

from courier.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("courier.api.urls")),
    path("staff/", include("staffing.urls")),
    path("scoring/", include("staffing.scoring_urls")),
    path("complaints/", include("complaints.urls")),
]
