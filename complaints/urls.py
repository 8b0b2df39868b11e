"""Public pages of the complaints app. Include once: path("complaints/", include(...))."""

from django.urls import path

from complaints.views import survey

app_name = "complaints"

urlpatterns = [
    path("survey/<str:token>/", survey, name="survey"),
]
