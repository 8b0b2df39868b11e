"""Admin of desk instructions, stations and the dispatch settings."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.history import ChangeReasonMixin
from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin
from courier.shipments.models import DeskInstruction, DispatchSettings, Station
from courier.shipments.services import availability, desk

from . import forms as f


@admin.register(DeskInstruction)
class DeskInstructionAdmin(ServiceActionsMixin, SimpleHistoryAdmin):
    list_display = ["text", "desk", "urgent", "state", "issued_by", "created_at", "done_at"]
    list_filter = ["desk", "state", "urgent"]
    list_select_related = ["issued_by"]
    readonly_fields = [
        "desk",
        "shipment",
        "text",
        "urgent",
        "signed_name",
        "signed_on",
        "state",
        "issued_by",
        "acknowledged_by",
        "acknowledged_at",
        "done_by",
        "done_at",
        "feedback",
        "created_at",
    ]
    service_actions_available = staticmethod(availability.desk_instruction_steps_available)
    service_actions = {
        "acknowledge": ServiceAction(
            _("Acknowledge"),
            lambda r, o, d: desk.desk_instruction_acknowledge(o, user=r.user),
        ),
        "complete": ServiceAction(
            _("Done (report back)"),
            lambda r, o, d: desk.desk_instruction_complete(o, user=r.user, **d),
            form=f.FeedbackForm,
        ),
    }

    def has_add_permission(self, request):
        return False  # issued from a shipment page or by the system

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "city", "is_active"]
    search_fields = ["code", "name"]


@admin.register(DispatchSettings)
class DispatchSettingsAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    """SHP-08: the cut-off and made-to-order lead time; SHP-11: when invalid orders' waybills are
    voided. Ops edit them here; every process sees an edit within ``CACHE_SECONDS``."""

    list_display = ["__str__", "cutoff_time", "made_to_order_hours", "invalid_abandon_days"]

    def has_add_permission(self, request):
        return not DispatchSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
