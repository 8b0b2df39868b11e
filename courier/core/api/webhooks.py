"""``/api/v1/webhook-endpoints/``: a partner registers, changes, tests, rotates and disables its
own webhook endpoints and reads their delivery log (scopes ``webhooks:read`` / ``webhooks:write``).

Every write calls ``courier.core.services.webhooks``. The signing secret is answered once: by the
create and by ``rotate-secret``; a read never shows it.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from courier.core.api.base import (
    PartnerCreateModelMixin,
    PartnerListModelMixin,
    PartnerRetrieveModelMixin,
    PartnerScopedViewSet,
    PartnerUpdateModelMixin,
    partner_get_object_or_404,
)
from courier.core.api.serializers import StrictModelSerializer, StrictSerializer
from courier.core.models import (
    WEBHOOK_EVENT_TYPES,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from courier.core.services.webhooks import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_ping,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)

READ, WRITE = "webhooks:read", "webhooks:write"


class WebhookEventTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=sorted(WEBHOOK_EVENT_TYPES), **kwargs)


class WebhookEndpointSerializer(StrictModelSerializer):
    """An endpoint as a read shows it (never its secret)."""

    event_types = serializers.ListField(
        child=WebhookEventTypeField(),
        required=False,
        help_text=gettext_lazy("Event types to send; empty or left out: every type."),
    )
    previous_secret_valid_until = serializers.DateTimeField(
        source="previous_secret_expires_at", read_only=True, allow_null=True
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "is_active",
            "previous_secret_valid_until",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "is_active",
            "previous_secret_valid_until",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        extra_kwargs = {"url": {"help_text": gettext_lazy("An https URL on a public address.")}}


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """The endpoint with its signing secret: answered once, by the create and the rotation."""

    secret = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy(
            "The Standard Webhooks signing secret (`whsec_...`). Shown only in this answer."
        ),
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = [*WebhookEndpointSerializer.Meta.read_only_fields, "secret"]


class WebhookEndpointUpdateSerializer(StrictSerializer):
    url = serializers.CharField(max_length=500, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(child=WebhookEventTypeField(), required=False)


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "attempted_at", "status_code", "error", "duration_ms"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One delivery of one event to the endpoint, with the log of its HTTP attempts."""

    message_id = serializers.CharField(
        source="event.msg_id",
        help_text=gettext_lazy("The `webhook-id` header: the same on every attempt and re-send."),
    )
    event_type = serializers.CharField(source="event.event_type")
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "state",
            "attempts",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "resend_of",
            "attempt_log",
        ]
        read_only_fields = fields


class WebhookEndpointViewSet(
    PartnerListModelMixin,
    PartnerRetrieveModelMixin,
    PartnerCreateModelMixin,
    PartnerUpdateModelMixin,
    PartnerScopedViewSet,
):
    """The calling partner's webhook endpoints."""

    partner_field = "partner"
    lookup_value_regex = "[0-9]{1,18}"  # a huge id is a 404, never a database overflow
    serializer_class = WebhookEndpointSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_scopes = {
        "list": READ,
        "retrieve": READ,
        "create": WRITE,
        "update": WRITE,  # PUT is not offered (405); PATCH changes the fields given
        "partial_update": WRITE,
        "rotate_secret": WRITE,
        "disable": WRITE,
        "enable": WRITE,
        "test": WRITE,
    }

    def get_base_queryset(self):
        return WebhookEndpoint.objects.order_by("pk")

    def get_serializer_class(self):
        if self.action == "partial_update":
            return WebhookEndpointUpdateSerializer
        return super().get_serializer_class()

    @extend_schema(
        request=WebhookEndpointSerializer,
        responses={201: WebhookEndpointWithSecretSerializer},
        operation_id="webhook_endpoints_create",
    )
    def create(self, request, *args, **kwargs):
        serializer = WebhookEndpointSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint = webhook_endpoint_create(
            self.partner,
            url=data["url"],
            event_types=data.get("event_types") or [],
            description=data.get("description", ""),
            user=request.user,
        )
        return Response(
            WebhookEndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=WebhookEndpointUpdateSerializer,
        responses=WebhookEndpointSerializer,
        operation_id="webhook_endpoints_partial_update",
    )
    def partial_update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        serializer = WebhookEndpointUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(endpoint, user=request.user, **serializer.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        request=None,
        responses=WebhookEndpointWithSecretSerializer,
        operation_id="webhook_endpoints_rotate_secret",
        description=(
            "A new signing secret, shown once in this answer. For 24 hours the previous secret "
            "also signs every delivery (a second signature), so receivers can switch over."
        ),
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = webhook_endpoint_rotate_secret(self.get_object(), user=request.user)
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)

    @extend_schema(
        request=None,
        responses=WebhookEndpointSerializer,
        operation_id="webhook_endpoints_disable",
        description="Stop sending; pending deliveries fail. `enable` turns it back on.",
    )
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        endpoint = self.get_object()
        webhook_endpoint_disable(
            endpoint, reason=_("Disabled by the partner."), user=request.user, alert=False
        )
        endpoint.refresh_from_db()
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        request=None, responses=WebhookEndpointSerializer, operation_id="webhook_endpoints_enable"
    )
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        endpoint = webhook_endpoint_enable(self.get_object(), user=request.user)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        request=None,
        responses={202: WebhookDeliverySerializer},
        operation_id="webhook_endpoints_test",
        description="Send a signed `webhook.test` event to this endpoint now.",
    )
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        delivery = webhook_endpoint_ping(self.get_object(), user=request.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(operation_id="webhook_endpoints_deliveries_list"),
    retrieve=extend_schema(operation_id="webhook_endpoints_deliveries_retrieve"),
)
class WebhookDeliveryViewSet(
    PartnerListModelMixin, PartnerRetrieveModelMixin, PartnerScopedViewSet
):
    """The delivery log of one of the partner's endpoints, newest first."""

    partner_field = "endpoint__partner"
    serializer_class = WebhookDeliverySerializer
    required_scopes = {"list": READ, "retrieve": READ, "resend": WRITE}

    def endpoint(self):
        return partner_get_object_or_404(
            WebhookEndpoint.objects.all(), self.partner, "partner", pk=self.kwargs["endpoint_id"]
        )

    def get_base_queryset(self):
        return (
            WebhookDelivery.objects.filter(endpoint_id=self.kwargs.get("endpoint_id"))
            .select_related("event")
            .prefetch_related("attempt_log")
            .order_by("-created_at", "-pk")
        )

    def list(self, request, *args, **kwargs):
        self.endpoint()  # 404 for another partner's endpoint
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={202: WebhookDeliverySerializer},
        operation_id="webhook_endpoints_deliveries_resend",
        description="Send the same event again (same `webhook-id`) as a new delivery.",
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, endpoint_id=None, pk=None):
        copy = webhook_delivery_resend(self.get_object(), user=request.user)
        copy = self.get_base_queryset().get(pk=copy.pk)
        return Response(WebhookDeliverySerializer(copy).data, status=status.HTTP_202_ACCEPTED)
