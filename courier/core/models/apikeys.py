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
    "finance:read": _("Read quotes, statements and the ledger"),
    "finance:write": _("Confirm and dispute statements"),
    "webhooks:read": _("Read webhook endpoints and their delivery log"),
    "webhooks:write": _("Register, change, test and disable webhook endpoints"),
}


def validate_scopes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ValidationError(_("Scopes must be a list of names."))
    unknown = sorted(set(value) - set(API_SCOPES))
    if unknown:
        raise ValidationError(
            _("Unknown scopes: %(scopes)s."), params={"scopes": ", ".join(unknown)}
        )


# A sandbox (test) key is shown with this visible prefix; its requests act as the partner's
# sandbox partner, so they read and write sandbox data only. Live keys have no prefix.
TEST_KEY_PREFIX = "ck_test_"


class PartnerAPIKeyManager(BaseAPIKeyManager):
    def get_usable_keys(self):
        return super().get_usable_keys().select_related("partner", "partner__service_user")

    def get_from_key(self, key: str):
        """A test key must carry ``ck_test_`` and a live key must not: a key used in the wrong
        place is refused instead of writing test data live or live data into the sandbox."""
        test = key.startswith(TEST_KEY_PREFIX)
        if test:
            key = key[len(TEST_KEY_PREFIX) :]
        api_key = super().get_from_key(key)
        if api_key.partner.is_sandbox != test:
            raise self.model.DoesNotExist("test key without its prefix, or the reverse")
        return api_key


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
