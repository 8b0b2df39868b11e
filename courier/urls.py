from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from courier.console.urls import admin_index_pattern
from courier.core.health import healthz
from courier.core.metrics import metrics_view
from staffing.views.language import language_switch

# The ops console: each role's home above the admin's list of models (courier/console).
admin.site.index_template = "console/admin_index.html"
# The header's "view site": the role's home (``/``, the console), a page every staff login has.
admin.site.site_url = reverse_lazy("console:home")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    # Browsers ask every page's origin for /favicon.ico; without one each page logs a 404.
    path("favicon.ico", RedirectView.as_view(url=static("courier/favicon.svg"), permanent=True)),
    # The header's switch also keeps the choice on the person's profile (staffing).
    path("i18n/setlang/", language_switch, name="set_language"),
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
