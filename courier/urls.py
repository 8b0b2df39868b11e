from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from courier.console.urls import admin_index_pattern
from courier.core.health import healthz
from courier.core.metrics import metrics_view

# The ops console: each role's home above the admin's list of models (courier/console).
admin.site.index_template = "console/admin_index.html"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    # Browsers ask every page's origin for /favicon.ico; without one each page logs a 404.
    path("favicon.ico", RedirectView.as_view(url=static("courier/favicon.svg"), permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    admin_index_pattern,
    path("admin/", admin.site.urls),
    path("api/v1/", include("courier.urls_api")),
    path("staff/", include("staffing.urls")),
    path("scoring/", include("staffing.urls_scoring")),
    path("complaints/", include("complaints.urls")),
    path("track/", include("tracking.urls")),
    path("", include("courier.console.urls")),
]
