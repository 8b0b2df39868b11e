from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courier.core.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Everyone sees their own notices here; nobody sees another person's."""

    list_display = ["subject", "created_at", "read_at", "link"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "recipient",
        "subject",
        "body",
        "link",
        "created_at",
        "read_at",
        "emailed_at",
        "dedupe_key",
    ]
    actions = ["mark_read"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request, queryset):
        queryset.filter(read_at__isnull=True).update(read_at=timezone.now())
