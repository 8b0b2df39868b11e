"""Admin of partners, their API keys and the heartbeats; keys are created and revoked through
the services (revoking is a workflow-kit action)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.urls import path, register_converter
from django.urls.resolvers import RoutePattern
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


def api_keys_overview(partner) -> str:
    """The partner's keys as a read-only table. Not an inline: an inline form carries each key's
    id in a hidden field, and the id embeds the key's hash (issue 12: no hash in any page)."""
    from django.urls import reverse
    from django.utils.html import format_html, format_html_join

    keys = list(partner.api_keys.order_by("-created")) if partner.pk else []
    if not keys:
        return _("No API keys.")
    rows = format_html_join(
        "",
        "<tr><td><a href='{}'>{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        (
            (
                reverse("admin:courier_partnerapikey_change", args=[key.prefix]),
                key.prefix,
                key.name,
                ", ".join(key.scopes or []),
                key.created.strftime("%Y-%m-%d %H:%M") if key.created else "-",
                key.expiry_date.strftime("%Y-%m-%d %H:%M") if key.expiry_date else "-",
                _("yes") if key.revoked else _("no"),
            )
            for key in keys
        ),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
        "</tr></thead><tbody>{}</tbody></table>",
        _("prefix"),
        _("name"),
        _("scopes"),
        _("created"),
        _("expires"),
        _("revoked"),
        rows,
    )


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
    readonly_fields = ["service_user", "created_at", "api_keys"]
    inlines = [WebhookEndpointInline]

    @admin.display(description=_("API keys"))
    def api_keys(self, obj):
        return api_keys_overview(obj)

    def get_readonly_fields(self, request, obj=None):
        """DLV-06: the data retention is set only by holders of ``set_partner_retention``."""
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("courier.set_partner_retention"):
            fields.append("retention_years")
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        partner_service_user_ensure(obj)


class PartnerAPIKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=list(API_SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    sandbox = forms.BooleanField(
        label=_("test key (sandbox)"),
        required=False,
        help_text=_(
            "A ck_test_ key of the partner's sandbox: its writes go to sandbox data only, never "
            "counted in statements, reports or SLA figures, and deleted after the sandbox's "
            "keep period."
        ),
    )

    class Meta:
        model = PartnerAPIKey
        fields = ["partner", "name", "scopes", "expiry_date", "revoked"]


class KeyReferenceConverter:
    """Issue 12: a key's admin URLs carry its prefix (public, shown in the list), never its id,
    which embeds the key's hash; every ``reverse`` of them (the list, the inline's link, the log
    of recent actions, the buttons) is shortened to the prefix here."""

    regex = "[^/]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value).split(".", 1)[0]


register_converter(KeyReferenceConverter, "apikeyref")


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(ServiceActionsMixin, SuperuserSetupMixin, admin.ModelAdmin):
    form = PartnerAPIKeyForm
    list_display = ["prefix", "partner", "name", "scopes", "created", "expiry_date", "revoked"]
    list_filter = ["revoked", "partner"]
    search_fields = ["prefix", "name", "partner__code"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
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

    def get_urls(self):
        urls = []
        for url in super().get_urls():
            route = getattr(url.pattern, "_route", "")
            if isinstance(url.pattern, RoutePattern) and "<path:object_id>" in route:
                route = route.replace("<path:object_id>", "<apikeyref:object_id>")
                url = path(route, url.callback, name=url.name)
            urls.append(url)
        return urls

    def get_object(self, request, object_id, from_field=None):
        prefix = unquote(object_id).split(".", 1)[0]
        return self.get_queryset(request).filter(prefix=prefix).first()

    def action_checkbox(self, obj):
        """The list's checkbox names the key by its prefix, not its id (which holds the hash)."""
        attrs = {"class": "action-select", "aria-label": str(obj)}
        checkbox = forms.CheckboxInput(attrs, lambda value: False)
        return checkbox.render(helpers.ACTION_CHECKBOX_NAME, obj.prefix)

    def response_action(self, request, queryset):
        prefixes = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if prefixes:
            post = request.POST.copy()
            post.setlist(
                helpers.ACTION_CHECKBOX_NAME,
                list(
                    PartnerAPIKey.objects.filter(prefix__in=prefixes).values_list("pk", flat=True)
                ),
            )
            request.POST = post
        return super().response_action(request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # keys are revoked, not deleted (its page lists ids)
        return actions

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["revoked"]
        return ["prefix", "partner", "name", "scopes", "created", "expiry_date", "revoked_at"] + (
            ["revoked"] if obj.revoked else []
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "name", "scopes", "expiry_date", "sandbox"]
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
                sandbox=bool(form.cleaned_data.get("sandbox")),
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
