from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.models import Heartbeat, Partner

admin.site.site_header = _("Courier customer-service operations")
admin.site.site_title = _("Courier ops")
admin.site.index_title = _("Operations")


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "is_active", "is_vip", "retention_years", "created_at"]
    list_filter = ["is_active", "is_vip"]
    search_fields = ["code", "name", "contact_name"]
    readonly_fields = ["service_user", "created_at"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_tick", "ticks"]
    readonly_fields = ["name", "last_tick", "ticks"]

    def has_add_permission(self, request):
        return False
