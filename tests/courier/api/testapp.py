"""Test-only partner endpoints (under /api/t/) on the platform's own partner-owned models, so the
base's pagination, writes, links and idempotency are exercised before any domain endpoint exists.
Also one deliberately leaky view, to prove the security checks can fail."""

import time

from django.urls import include, path
from rest_framework import mixins, serializers
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import GenericViewSet

from courier.core.api.base import (
    PartnerAPIView,
    PartnerCreateModelMixin,
    PartnerDestroyModelMixin,
    PartnerListModelMixin,
    PartnerRetrieveModelMixin,
    PartnerScopedViewSet,
    PartnerUpdateModelMixin,
)
from courier.core.api.serializers import (
    PartnerOwnedRelatedField,
    StrictModelSerializer,
    StrictSerializer,
)
from courier.core.models import WebhookEndpoint

WRITES = {"count": 0}


class EndpointSerializer(StrictModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "is_active", "created_at"]
        read_only_fields = ["id", "is_active", "created_at"]


class EndpointViewSet(
    PartnerListModelMixin,
    PartnerRetrieveModelMixin,
    PartnerCreateModelMixin,
    PartnerUpdateModelMixin,
    PartnerDestroyModelMixin,
    PartnerScopedViewSet,
):
    partner_field = "partner"
    queryset = WebhookEndpoint.objects.all()
    serializer_class = EndpointSerializer
    ordering = "-pk"
    filterset_fields = {"is_active": ["exact"], "url": ["exact"], "created_at": ["gte"]}
    required_scopes = {
        "list": "shipments:read",
        "retrieve": "shipments:read",
        "create": "shipments:write",
        "update": "shipments:write",
        "partial_update": "shipments:write",
        "destroy": "shipments:write",
    }

    def create_object(self, data):
        WRITES["count"] += 1
        return WebhookEndpoint.objects.create(partner=self.partner, **data)

    def update_object(self, instance, data):
        for name, value in data.items():
            setattr(instance, name, value)
        instance.save(update_fields=list(data))
        return instance


class PingSerializer(StrictSerializer):
    endpoint = PartnerOwnedRelatedField(queryset=WebhookEndpoint.objects.all())
    note = serializers.CharField(max_length=20)


class PingResultSerializer(serializers.Serializer):
    endpoint = serializers.IntegerField()
    note = serializers.CharField()
    n = serializers.IntegerField()


class PingView(PartnerAPIView):
    """POST a link to one of the partner's endpoints; counts how often it really ran."""

    required_scopes = {"post": "shipments:write"}
    serializer_class = PingSerializer

    def post(self, request):
        serializer = PingSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        WRITES["count"] += 1
        data = {
            "endpoint": serializer.validated_data["endpoint"].pk,
            "note": serializer.validated_data["note"],
            "n": WRITES["count"],
        }
        if data["note"] == "boom":
            raise RuntimeError("unexpected failure")
        if data["note"] == "slow":
            time.sleep(1.5)
        return Response(PingResultSerializer(data).data, status=201)


class LeakyEndpointViewSet(mixins.RetrieveModelMixin, GenericViewSet):
    """Does NOT use the base: returns any partner's endpoint."""

    queryset = WebhookEndpoint.objects.all()
    serializer_class = EndpointSerializer
    permission_classes = []


router = SimpleRouter()
router.register("endpoints", EndpointViewSet, basename="endpoint")
leaky = SimpleRouter()
leaky.register("leaky", LeakyEndpointViewSet, basename="leaky")

safe_patterns = [path("ping/", PingView.as_view()), path("", include(router.urls))]
urlpatterns = [
    path("api/t/", include(safe_patterns)),
    path("api/leaky/", include(leaky.urls)),
    path("", include("courier.urls")),
]
