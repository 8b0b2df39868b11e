from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.partners import SuperuserSetupMixin
from courier.core.models import (
    WEBHOOK_EVENT_TYPES,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from courier.core.services.webhooks import (
    webhook_delivery_resend,
    webhook_endpoint_enable,
    webhook_endpoint_rotate_secret,
)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=list(WEBHOOK_EVENT_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty to receive every event type."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["partner", "url", "description", "event_types"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SuperuserSetupMixin, SimpleHistoryAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "partner", "is_active", "failing_since", "disabled_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "partner__code"]
    list_select_related = ["partner"]
    actions = ["rotate_secret", "enable"]

    def get_fields(self, request, obj=None):
        fields = ["partner", "url", "description", "event_types"]
        if obj is not None:
            fields += ["is_active", "failing_since", "disabled_at", "disabled_reason"]
            if request.user.is_superuser:
                fields += ["secret", "previous_secret", "previous_secret_expires_at"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "is_active",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "secret",
            "previous_secret",
            "previous_secret_expires_at",
        ]

    @admin.action(
        description=_("Rotate the signing secret (old one valid for the grace period)"),
        permissions=["change"],
    )
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            webhook_endpoint_rotate_secret(endpoint, user=request.user)
        messages.success(request, _("Secrets rotated."))

    @admin.action(description=_("Enable the selected endpoints again"), permissions=["change"])
    def enable(self, request, queryset):
        for endpoint in queryset:
            webhook_endpoint_enable(endpoint, user=request.user)
        messages.success(request, _("Endpoints enabled."))


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "attempted_at", "status_code", "error", "duration_ms", "response_excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log; the re-send action queues a new delivery of the same event."""

    list_display = [
        "event",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["state", "event__event_type"]
    search_fields = ["event__msg_id", "endpoint__url", "event__partner__code"]
    list_select_related = ["event", "endpoint"]
    inlines = [WebhookAttemptInline]
    actions = ["resend"]
    readonly_fields = [
        "event",
        "endpoint",
        "state",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "resend_of",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Re-send the selected deliveries"), permissions=["change"])
    def resend(self, request, queryset):
        count = 0
        for delivery in queryset:
            webhook_delivery_resend(delivery, user=request.user)
            count += 1
        messages.success(request, _("%(count)d deliveries queued again.") % {"count": count})


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["msg_id", "partner", "event_type", "created_at"]
    list_filter = ["event_type"]
    search_fields = ["msg_id", "partner__code"]
    readonly_fields = ["msg_id", "partner", "event_type", "payload", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
