from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from staffing.models import Department, Employee


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Employee)
class EmployeeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "department", "position", "supervisor", "is_active"]
    list_filter = ["department", "position", "is_active"]
    search_fields = ["number", "name", "user__username"]
    autocomplete_fields = ["user", "supervisor"]
    list_select_related = ["department", "supervisor"]
