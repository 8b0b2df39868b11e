from django.contrib import admin
from django.urls import path

from courier.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.reports, name="reports"),
]

# The admin index (``admin:index`` resolves to the same path) answered by the console first.
admin_index_pattern = path("admin/", admin.site.admin_view(views.admin_index), name="admin_index")
