"""Public routes, included at ``/track/`` by ``courier/urls.py``."""

from django.urls import path

from tracking import views

app_name = "tracking"

urlpatterns = [
    path("", views.track_page, name="track"),
    path("api/<str:waybill>/", views.track_api, name="track-api"),
]
