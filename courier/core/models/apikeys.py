"""Partner API keys: hashed at rest (djangorestframework-api-key), scoped, expiring, revocable."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

# Every scope a key can carry. A view declares which scope each of its actions needs
# (``required_scopes`` in ``courier.core.api.base``).
API_SCOPES = {
    "shipments:read": _("Read shipments"),
    "shipments:write": _("Create and change shipments"),
    "events:write": _("Push tracking events"),
    "complaints:read": _("Read complaints"),
    "complaints:write": _("File and change complaints"),
    "returns:write": _("Request returns"),
}


def validate_scopes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ValidationError(_("Scopes must be a list of names."))
    unknown = sorted(set(value) - set(API_SCOPES))
    if unknown:
        raise ValidationError(
            _("Unknown scopes: %(scopes)s."), params={"scopes": ", ".join(unknown)}
        )


class PartnerAPIKeyManager(BaseAPIKeyManager):
    def get_usable_keys(self):
        return super().get_usable_keys().select_related("partner", "partner__service_user")


class PartnerAPIKey(AbstractAPIKey):
    """One key of a partner. Only the prefix and a hash are stored; the key is shown once."""

    objects = PartnerAPIKeyManager()

    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True, validators=[validate_scopes])
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")
        indexes = [models.Index(fields=["partner", "revoked"])]

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])
