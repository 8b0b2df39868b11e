"""Admin of partners, their API keys and the heartbeats; keys are created and revoked through
the services (revoking is a workflow-kit action)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin
from courier.core.models import API_SCOPES, Heartbeat, Partner, PartnerAPIKey, WebhookEndpoint
from courier.core.services.apikeys import (
    partner_api_key_create,
    partner_api_key_revoke,
    partner_service_user_ensure,
)

admin.site.site_header = _("Courier customer-service operations")
admin.site.site_title = _("Courier ops")
admin.site.index_title = _("Operations")


class SuperuserSetupMixin:
    """Setup objects (keys, webhook endpoints) are created and changed by superusers only."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class PartnerAPIKeyInline(admin.TabularInline):
    model = PartnerAPIKey
    extra = 0
    fields = ["prefix", "name", "scopes", "created", "expiry_date", "revoked"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class WebhookEndpointInline(admin.TabularInline):
    model = WebhookEndpoint
    extra = 0
    fields = ["url", "event_types", "is_active", "failing_since", "disabled_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "is_active", "is_vip", "retention_years", "created_at"]
    list_filter = ["is_active", "is_vip"]
    search_fields = ["code", "name", "contact_name"]
    readonly_fields = ["service_user", "created_at"]
    inlines = [PartnerAPIKeyInline, WebhookEndpointInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        partner_service_user_ensure(obj)


class PartnerAPIKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=list(API_SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PartnerAPIKey
        fields = ["partner", "name", "scopes", "expiry_date", "revoked"]


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(ServiceActionsMixin, SuperuserSetupMixin, admin.ModelAdmin):
    form = PartnerAPIKeyForm
    list_display = ["prefix", "partner", "name", "scopes", "created", "expiry_date", "revoked"]
    list_filter = ["revoked", "partner"]
    search_fields = ["prefix", "name", "partner__code"]
    list_select_related = ["partner"]
    service_actions = {
        "revoke_keys": ServiceAction(
            _("Revoke the selected keys"),
            lambda r, key, d: partner_api_key_revoke(key),
            available=lambda key, user: not key.revoked,
            permission="edit",
            confirm=True,
            bulk=True,
        ),
    }

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["revoked"]
        return ["prefix", "partner", "name", "scopes", "created", "expiry_date", "revoked_at"] + (
            ["revoked"] if obj.revoked else []
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "name", "scopes", "expiry_date"]
        return ["prefix", "partner", "name", "scopes", "created", "expiry_date", "revoked"] + [
            "revoked_at"
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            _row, plain = partner_api_key_create(
                obj.partner,
                name=obj.name,
                scopes=obj.scopes,
                expiry_date=obj.expiry_date,
                instance=obj,
            )
            messages.warning(
                request,
                _(
                    "The new API key is %(key)s — copy it now: it is stored hashed and will not be "
                    "shown again."
                )
                % {"key": plain},
            )
        elif obj.revoked and not PartnerAPIKey.objects.get(pk=obj.pk).revoked:
            partner_api_key_revoke(obj)


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_tick", "ticks"]
    readonly_fields = ["name", "last_tick", "ticks"]

    def has_add_permission(self, request):
        return False
