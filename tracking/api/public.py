"""The public lookup as JSON (item 10): ``GET /api/v1/track/{waybill}/?phone_last4=NNNN``, no key.

Public by design (on the allow-list ``PUBLIC_ENDPOINTS`` of ``tests/api_registry.py``): anyone
holding a waybill may see its status and coarse route, masked by GB/T 41833-2022, and the full
list with the recipient phone's last 4 digits. ``track_lookup`` rate-limits per client address,
locks a waybill after repeated wrong digits and logs every lookup as a contact. The same view
answers the older ``/track/api/<waybill>/`` (kept out of the schema)."""

import re

from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from courier.core.api.exceptions import error_body
from courier.core.api.public import PublicAPIView
from courier.core.errors import NotFound
from tracking.models import ContactChannel
from tracking.services import LookupThrottled, track_lookup

LAST4 = re.compile(r"^[0-9]{4}$")
WAYBILL = re.compile(r"^[0-9A-Za-z]{1,32}$")


class RouteStepSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField()
    date = serializers.DateField()
    location = serializers.CharField(allow_blank=True)


class LookupEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    sub_status = serializers.CharField(allow_blank=True)
    occurred_at = serializers.DateTimeField()
    location = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)


class TrackLookupSerializer(serializers.Serializer):
    waybill_number = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    recipient_name = serializers.CharField(allow_blank=True, help_text="Masked.")
    recipient_phone = serializers.CharField(allow_blank=True, help_text="Masked.")
    destination = serializers.CharField(allow_blank=True, help_text="Province, city, district.")
    route = RouteStepSerializer(many=True)
    events = LookupEventSerializer(
        many=True, allow_null=True, help_text="Only with the right phone_last4."
    )
    locked = serializers.BooleanField()
    phone_checked = serializers.BooleanField()


def _jsonable(answer: dict) -> dict:
    def convert(value):
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    return convert(answer)


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class TrackLookupView(PublicAPIView):
    public_reason = (
        "Item 10 of issue 19: recipients look their parcel up by waybill without an account; "
        "masked, rate-limited per address, full list only with the phone's last 4 digits."
    )

    @extend_schema(
        operation_id="track_lookup",
        tags=["track"],
        parameters=[
            OpenApiParameter(
                "waybill",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=WAYBILL.pattern,
                description="The waybill number.",
            ),
            OpenApiParameter(
                "phone_last4",
                {"type": "string", "pattern": LAST4.pattern},
                OpenApiParameter.QUERY,
                required=False,
                description="The last 4 digits of the recipient's phone: the full event list.",
            ),
        ],
        responses={200: TrackLookupSerializer},
    )
    def get(self, request, waybill: str):
        last4 = request.query_params.get("phone_last4")
        if last4 is not None and not LAST4.match(last4):
            return Response(
                error_body("invalid", _("phone_last4 must be 4 digits."), {}), status=400
            )
        if not WAYBILL.match(waybill or ""):
            return Response(
                error_body("not_found", _("No shipment has this waybill number."), {}), status=404
            )
        try:
            answer = track_lookup(
                waybill,
                phone_last4=last4,
                client_address=_client_address(request),
                channel=ContactChannel.WEB,
            )
        except NotFound as exc:
            return Response(error_body("not_found", str(exc), {}), status=404)
        except LookupThrottled as exc:
            return Response(
                error_body("throttled", str(exc), {}),
                status=429,
                headers={"Retry-After": "60"},
            )
        response = Response(_jsonable(answer))
        add_never_cache_headers(response)
        return response


class LegacyTrackLookupView(TrackLookupView):
    """``/track/api/<waybill>/``: the same answers, not in the partner API's schema."""

    schema = None
