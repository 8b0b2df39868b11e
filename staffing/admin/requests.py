"""Admin of swaps, leave, attendance and handover: records to read, never edited by hand; a
supervisor approves or rejects swaps, leave and punch corrections with the workflow kit's
buttons (as on the approval page, /staff/approvals/), which call the services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.history import ChangeReasonMixin
from courier.core.admin.workflow import (
    OptionalReasonForm,
    ReasonForm,
    ServiceAction,
    ServiceActionsMixin,
    fsm_transition_possible,
)
from staffing.admin.access import SupervisorLineMixin
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
from staffing.services import attendance as attendance_services
from staffing.services import leave as leave_services
from staffing.services import swaps as swap_services


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Changes go through the services (pages and jobs), never through a raw admin form."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SwapApproveForm(OptionalReasonForm):
    override = forms.BooleanField(label=_("Override the monthly limit"), required=False)


def _decisions(approve, reject, *, approve_form=OptionalReasonForm) -> dict[str, ServiceAction]:
    """Approve (reason optional) and reject (reason required), offered while the request's
    ``approve``/``reject`` transition is possible; the service checks that the person is the
    requester's direct supervisor and re-checks the rules."""
    return {
        "approve": ServiceAction(
            _("Approve"),
            approve,
            form=approve_form,
            available=fsm_transition_possible("approve"),
        ),
        "reject": ServiceAction(
            _("Reject"),
            lambda r, o, d: reject(o.pk, user=r.user, reason=d["reason"]),
            form=ReasonForm,
            available=fsm_transition_possible("reject"),
            irreversible=True,
        ),
    }


@admin.register(SwapRequest)
class SwapRequestAdmin(ServiceActionsMixin, SupervisorLineMixin, ReadOnlyAdmin):
    """STF-09: the direct supervisor approves (overriding the monthly limit explicitly,
    STF-07) or rejects."""

    line_field = "requester"

    service_actions = _decisions(
        lambda r, o, d: swap_services.swap_request_approve(
            o.pk, user=r.user, reason=d["reason"], override=d["override"]
        ),
        swap_services.swap_request_reject,
        approve_form=SwapApproveForm,
    )
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
class LeaveTypeAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "notice_hours", "needs_cover", "is_active"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ServiceActionsMixin, SupervisorLineMixin, ReadOnlyAdmin):
    """LEV-01/LEV-04: the direct supervisor approves or rejects."""

    line_field = "requester"

    service_actions = _decisions(
        lambda r, o, d: leave_services.leave_request_approve(o.pk, user=r.user, reason=d["reason"]),
        leave_services.leave_request_reject,
    )
    list_display = ["entry", "requester", "leave_type", "cover", "addressed_to", "state"]
    list_filter = ["state", "leave_type"]
    search_fields = ["requester__name"]
    list_select_related = ["entry__employee", "requester", "leave_type", "cover", "addressed_to"]


@admin.register(Punch)
class PunchAdmin(SupervisorLineMixin, ReadOnlyAdmin):
    list_display = ["employee", "at", "direction", "source"]
    list_filter = ["direction", "source"]
    date_hierarchy = "at"
    search_fields = ["employee__name", "employee__number"]
    list_select_related = ["employee"]


@admin.register(AttendanceDay)
class AttendanceDayAdmin(SupervisorLineMixin, ReadOnlyAdmin):
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
class PunchCorrectionAdmin(ServiceActionsMixin, SupervisorLineMixin, ReadOnlyAdmin):
    """ATT-02: the direct supervisor approves (within the monthly limit) or rejects."""

    service_actions = _decisions(
        lambda r, o, d: attendance_services.punch_correction_approve(
            o.pk, user=r.user, reason=d["reason"]
        ),
        attendance_services.punch_correction_reject,
    )
    list_display = ["date", "employee", "direction", "at", "filed_at", "state", "decided_by"]
    list_filter = ["state", "direction"]
    search_fields = ["employee__name"]
    list_select_related = ["employee", "decided_by"]


@admin.register(HandoverNote)
class HandoverNoteAdmin(ReadOnlyAdmin):
    list_display = ["entry", "author", "created_at", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["entry__employee", "author", "acknowledged_by"]


@admin.register(ChatOfflineApproval)
class ChatOfflineApprovalAdmin(SupervisorLineMixin, ReadOnlyAdmin):
    list_display = ["employee", "starts_at", "ends_at", "approved_by"]
    list_select_related = ["employee", "approved_by"]


@admin.register(ChatStatusBreach)
class ChatStatusBreachAdmin(SupervisorLineMixin, ReadOnlyAdmin):
    list_display = ["employee", "kind", "observed_at", "recorded_by"]
    list_filter = ["kind"]
    list_select_related = ["employee", "recorded_by"]
