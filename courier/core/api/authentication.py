"""``Authorization: Bearer <key>``: a partner API key; requests act as the partner's service user.

``request.user`` is the partner's service user (so django-simple-history names it on every change
the request makes) and ``request.auth`` is the ``PartnerAPIKey`` (``request.auth.partner``).
A key in the query string is refused, never looked at. A client address that presents too many
invalid keys (rate ``invalid_key``) gets 429 before its next key is looked up.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from courier.core.api.throttling import InvalidKeyThrottle
from courier.core.models import PartnerAPIKey

# Query-string names a client might try; any of them is refused so a key never lands in logs.
QUERY_KEY_NAMES = ("api_key", "apikey", "key", "token", "access_token", "authorization")


class PartnerKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        try:
            return self._authenticate(request)
        except exceptions.AuthenticationFailed:
            InvalidKeyThrottle().failure_record(request)  # per client address
            raise

    def _authenticate(self, request):
        if any(name in request.query_params for name in QUERY_KEY_NAMES):
            raise exceptions.AuthenticationFailed(
                _("API keys are accepted only in the Authorization header."),
                code="key_in_query_string",
            )
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        # An address that keeps sending bad keys is refused before its next key is looked up.
        InvalidKeyThrottle().refuse_if_blocked(request)
        keyword, _sep, key = header.partition(" ")
        key = key.strip()
        if keyword.lower() != self.keyword.lower() or not key or " " in key:
            raise exceptions.AuthenticationFailed(
                _("Use the header 'Authorization: Bearer <key>'."), code="invalid_authorization"
            )
        return self.authenticate_key(request, key)

    def authenticate_key(self, request, key: str):
        from courier.core.services.apikeys import partner_service_user_ensure

        try:
            api_key = PartnerAPIKey.objects.get_from_key(key)
        except PartnerAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid API key."), code="invalid_key")
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(
                _("This API key has expired."), code="key_expired"
            )
        partner = api_key.partner
        if not partner.is_active:
            raise exceptions.AuthenticationFailed(
                _("This partner account is inactive."), code="partner_inactive"
            )
        user = partner.service_user or partner_service_user_ensure(partner)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(
                _("This partner account is inactive."), code="partner_inactive"
            )
        return user, api_key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PartnerKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = PartnerKeyAuthentication
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner API key: `Authorization: Bearer <key>`.",
        }
