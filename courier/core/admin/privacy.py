"""The record of full personal values shown (ORG-03): read-only, for whoever audits it."""

from django.contrib import admin

from courier.core.models import PersonalDataReveal


@admin.register(PersonalDataReveal)
class PersonalDataRevealAdmin(admin.ModelAdmin):
    list_display = ["revealed_at", "user", "object_type", "object_id", "field", "view"]
    list_filter = ["view", "object_type", "field"]
    list_select_related = ["user"]
    search_fields = ["=object_id", "user__username"]
    date_hierarchy = "revealed_at"
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
