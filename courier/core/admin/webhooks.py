"""Admin of the webhook endpoints and the delivery log; rotate, enable and re-send are
workflow-kit actions (buttons on the object and actions on the list)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.partners import SuperuserSetupMixin
from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin
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
class WebhookEndpointAdmin(ServiceActionsMixin, SuperuserSetupMixin, SimpleHistoryAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "partner", "is_active", "failing_since", "disabled_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "partner__code"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    service_actions = {
        "rotate_secret": ServiceAction(
            _("Rotate the signing secret (old one valid for the grace period)"),
            lambda r, e, d: webhook_endpoint_rotate_secret(e, user=r.user),
            permission="edit",
            confirm=True,
            bulk=True,
        ),
        "enable": ServiceAction(
            _("Enable the selected endpoints again"),
            lambda r, e, d: webhook_endpoint_enable(e, user=r.user),
            permission="edit",
            confirm=True,
            bulk=True,
        ),
    }

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


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "attempted_at", "status_code", "error", "duration_ms", "response_excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ServiceActionsMixin, admin.ModelAdmin):
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
    service_actions = {
        "resend": ServiceAction(
            _("Re-send the selected deliveries"),
            lambda r, delivery, d: webhook_delivery_resend(delivery, user=r.user),
            confirm=True,
            bulk=True,
        ),
    }
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
