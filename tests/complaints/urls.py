"""The project's URLs plus the complaints public pages (until courier/urls.py includes them)."""

from django.urls import include, path

from courier.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *[p for p in project_urlpatterns if getattr(p, "app_name", None) != "complaints"],
    path("complaints/", include("complaints.urls")),
]
