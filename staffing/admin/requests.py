"""Admin of swaps, leave, attendance and handover: records to read; decisions are taken on the
supervisor's approval page (/staff/approvals/), which calls the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from staffing.models import (
    AttendanceDay,
    ChatOfflineApproval,
    ChatStatusBreach,
    HandoverNote,
    LeaveRequest,
    LeaveType,
    Punch,
    PunchCorrection,
    SwapRequest,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Changes go through the services (pages and jobs), never through a raw admin form."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SwapRequest)
class SwapRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "date",
        "requester",
        "colleague",
        "back_date",
        "state",
        "limit_override",
        "decided_by",
    ]
    list_filter = ["state", "limit_override"]
    date_hierarchy = "date"
    search_fields = ["requester__name", "colleague__name"]
    list_select_related = ["requester", "colleague", "decided_by"]


@admin.register(LeaveType)
class LeaveTypeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "notice_hours", "needs_cover", "is_active"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnlyAdmin):
    list_display = ["entry", "requester", "leave_type", "cover", "addressed_to", "state"]
    list_filter = ["state", "leave_type"]
    search_fields = ["requester__name"]
    list_select_related = ["entry__employee", "requester", "leave_type", "cover", "addressed_to"]


@admin.register(Punch)
class PunchAdmin(ReadOnlyAdmin):
    list_display = ["employee", "at", "direction", "source"]
    list_filter = ["direction", "source"]
    date_hierarchy = "at"
    search_fields = ["employee__name", "employee__number"]
    list_select_related = ["employee"]


@admin.register(AttendanceDay)
class AttendanceDayAdmin(ReadOnlyAdmin):
    list_display = [
        "date",
        "employee",
        "status",
        "late_minutes",
        "early_minutes",
        "missing_punches",
        "finalized_at",
    ]
    list_filter = ["status"]
    date_hierarchy = "date"
    search_fields = ["employee__name", "employee__number"]
    list_select_related = ["employee"]


@admin.register(PunchCorrection)
class PunchCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["date", "employee", "direction", "at", "filed_at", "state", "decided_by"]
    list_filter = ["state", "direction"]
    search_fields = ["employee__name"]
    list_select_related = ["employee", "decided_by"]


@admin.register(HandoverNote)
class HandoverNoteAdmin(ReadOnlyAdmin):
    list_display = ["entry", "author", "created_at", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["entry__employee", "author", "acknowledged_by"]


@admin.register(ChatOfflineApproval)
class ChatOfflineApprovalAdmin(ReadOnlyAdmin):
    list_display = ["employee", "starts_at", "ends_at", "approved_by"]
    list_select_related = ["employee", "approved_by"]


@admin.register(ChatStatusBreach)
class ChatStatusBreachAdmin(ReadOnlyAdmin):
    list_display = ["employee", "kind", "observed_at", "recorded_by"]
    list_filter = ["kind"]
    list_select_related = ["employee", "recorded_by"]
