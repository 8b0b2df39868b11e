from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.pickers import PickerAccessMixin
from staffing.admin.access import SupervisorLineMixin
from staffing.models import Department, Employee


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Employee)
class EmployeeAdmin(PickerAccessMixin, SupervisorLineMixin, SimpleHistoryAdmin):
    """ORG-03: the daily wage is private: the supervisor line and the manager read it. Forms that
    point at a person (a complaint's agent, a case's owner) pick active people by number, name
    or login (``PickerAccessMixin``)."""

    picker_filter = {"is_active": True}

    line_field = "pk"
    list_display = ["number", "name", "department", "position", "supervisor", "is_active"]
    list_filter = ["department", "position", "is_active"]
    search_fields = ["number", "name", "user__username"]
    autocomplete_fields = ["user", "supervisor"]
    list_select_related = ["department", "supervisor"]
