"""Platform endpoints of the partner API: ``/me/``, the schema and its docs page, and the JSON 404
for unknown paths."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings

from courier.core.api.base import ANY_KEY, PartnerAPIView
from courier.core.api.exceptions import error_body
from courier.core.models.apikeys import TEST_KEY_PREFIX


class MePartnerSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    is_vip = serializers.BooleanField()
    is_sandbox = serializers.BooleanField(
        help_text="True for a test key (`ck_test_...`): it reads and writes sandbox data only."
    )
    retention_years = serializers.IntegerField()


class MeKeySerializer(serializers.Serializer):
    prefix = serializers.CharField()
    name = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    expires_at = serializers.DateTimeField(allow_null=True)


class MeLimitsSerializer(serializers.Serializer):
    rate = serializers.CharField(help_text="Requests allowed per key, e.g. `120/min`.")
    max_page_size = serializers.IntegerField()
    max_body_bytes = serializers.IntegerField()
    idempotency_ttl_hours = serializers.IntegerField()


class MeSerializer(serializers.Serializer):
    partner = MePartnerSerializer()
    key = MeKeySerializer()
    limits = MeLimitsSerializer()


_EXPIRES_AT = serializers.DateTimeField()


class MeView(PartnerAPIView):
    """The calling partner, the key's scopes and the limits that apply to it."""

    required_scopes = {"get": ANY_KEY}

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve", tags=["me"])
    def get(self, request):
        key = request.auth
        partner = key.partner
        data = {
            "partner": {
                "code": partner.code,
                "name": partner.name,
                "is_vip": partner.is_vip,
                "is_sandbox": partner.is_sandbox,
                "retention_years": partner.retention_years,
            },
            "key": {
                "prefix": (TEST_KEY_PREFIX if partner.is_sandbox else "") + key.prefix,
                "name": key.name,
                "scopes": sorted(key.scopes or []),
                "expires_at": _EXPIRES_AT.to_representation(key.expiry_date)
                if key.expiry_date
                else None,
            },
            "limits": {
                "rate": api_settings.DEFAULT_THROTTLE_RATES.get("partner_key") or "",
                "max_page_size": settings.API_MAX_PAGE_SIZE,
                "max_body_bytes": settings.API_MAX_BODY_BYTES,
                "idempotency_ttl_hours": settings.IDEMPOTENCY_TTL_HOURS,
            },
        }
        # Already the serializer's shape (the schema documents MeSerializer); building it by
        # hand saves the nested serializers' per-request cost on the cheapest authenticated call.
        return Response(data)


@csrf_exempt  # no cookie is ever a credential here, so CSRF is moot: a POST gets the JSON 404
def api_not_found(request, *args, **kwargs):
    """Any unknown path under /api/v1/, whatever the method: the JSON error format, not an HTML
    page (nor Django's HTML CSRF 403 for a POST)."""
    return JsonResponse(error_body("not_found", _("No API endpoint at this path.")), status=404)


# The schema is a contract: English unless ``?lang=`` asks for another of LANGUAGES, whatever the
# Accept-Language header or the language cookie says. Names never change with the language
# (``courier.core.api.schema.postprocess_stable_contract``), only descriptions do.
SCHEMA_DEFAULT_LANGUAGE = "en"


def schema_language(request) -> str:
    lang = (request.GET.get("lang") or "").lower()
    return lang if lang in dict(settings.LANGUAGES) else SCHEMA_DEFAULT_LANGUAGE


class PartnerSchemaView(SpectacularAPIView):
    """The OpenAPI document: English by default, ``?lang=zh-hans`` for Chinese descriptions."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with translation.override(schema_language(request)):
            return self._get_schema_response(request)


class PartnerDocsView(SpectacularSwaggerView):
    """Swagger UI over the schema; ``?lang=`` is passed on to the schema."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with translation.override(schema_language(request)):
            return super().get(request, *args, **kwargs)
