"""Platform endpoints of the partner API: ``/me/`` and the JSON 404 for unknown paths."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings

from courier.core.api.base import ANY_KEY, PartnerAPIView
from courier.core.api.exceptions import error_body


class MePartnerSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    is_vip = serializers.BooleanField()
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
                "retention_years": partner.retention_years,
            },
            "key": {
                "prefix": key.prefix,
                "name": key.name,
                "scopes": sorted(key.scopes or []),
                "expires_at": key.expiry_date,
            },
            "limits": {
                "rate": api_settings.DEFAULT_THROTTLE_RATES.get("partner_key") or "",
                "max_page_size": settings.API_MAX_PAGE_SIZE,
                "max_body_bytes": settings.API_MAX_BODY_BYTES,
                "idempotency_ttl_hours": settings.IDEMPOTENCY_TTL_HOURS,
            },
        }
        return Response(MeSerializer(data).data)


@csrf_exempt  # no cookie is ever a credential here, so CSRF is moot: a POST gets the JSON 404
def api_not_found(request, *args, **kwargs):
    """Any unknown path under /api/v1/, whatever the method: the JSON error format, not an HTML
    page (nor Django's HTML CSRF 403 for a POST)."""
    return JsonResponse(error_body("not_found", _("No API endpoint at this path.")), status=404)
