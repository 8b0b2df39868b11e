from django.urls import path

from staffing.views import scoring as views

app_name = "scoring"

urlpatterns = [
    path("me/", views.my_score, name="mine"),
    path("events/<int:event_id>/appeal/", views.appeal_create, name="appeal"),
    path("board/", views.board, name="board"),
    path("settlements/open/", views.settlement_open, name="settlement-open"),
    path("settlements/<int:pk>/", views.settlement_screen, name="settlement"),
    path("settlements/<int:pk>/export.xlsx", views.settlement_export, name="settlement-export"),
    path(
        "settlements/<int:pk>/statements/<int:employee_id>/",
        views.statement,
        name="statement",
    ),
    path("settlements/<int:pk>/reopening/", views.reopening_create, name="reopening-request"),
    path("reopenings/<int:pk>/<slug:decision>/", views.reopening_decide, name="reopening-decide"),
    path("settlements/<int:pk>/<slug:step>/", views.settlement_step, name="settlement-step"),
]
