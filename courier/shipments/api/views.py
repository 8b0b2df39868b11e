"""Shipments and returns for partners: create (idempotent by key and by partner reference),
list (``state``, ``updated_after``), detail by waybill number, modify, cancel, returns."""

import functools

import django_filters
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from courier.core.api.base import (
    PartnerCreateModelMixin,
    PartnerListModelMixin,
    PartnerRetrieveModelMixin,
    PartnerScopedViewSet,
)
from courier.core.api.exceptions import ConflictError
from courier.shipments.api.serializers import (
    OutcomeSerializer,
    ReasonSerializer,
    ReturnCreateSerializer,
    ReturnSerializer,
    ShipmentCreateSerializer,
    ShipmentDetailSerializer,
    ShipmentModifySerializer,
    ShipmentSerializer,
)
from courier.shipments.models import Shipment, ShipmentState
from courier.shipments.selectors import returns_listing, shipment_detail_queryset, shipments_listing
from courier.shipments.services.modify import shipment_modify
from courier.shipments.services.orders import order_intake
from courier.shipments.services.returns import return_request_create
from courier.shipments.services.shipments import shipment_cancel


@functools.cache
def _detail_serializer() -> ShipmentDetailSerializer:
    """One read-only serializer whose fields are built once per process (building a
    ModelSerializer's fields costs more than the rest of the response); ``to_representation``
    keeps no per-call state, so sharing it between requests and threads is safe."""
    serializer = ShipmentDetailSerializer(context={})
    serializer.fields  # noqa: B018 - build and bind the fields now
    return serializer


@functools.cache
def _create_validator(language: str) -> ShipmentCreateSerializer:
    """The create input's fields, built once per process and language like
    ``_detail_serializer``: the view calls ``run_validation``, which keeps no state on the
    serializer (``is_valid`` would), and none of these fields reads the request context. Per
    language, because DRF words some messages (lengths, limits) once per field and keeps them."""
    serializer = ShipmentCreateSerializer(context={})
    serializer.fields  # noqa: B018 - build and bind the fields now
    return serializer


def shipment_detail_data(shipment: Shipment) -> dict:
    return _detail_serializer().to_representation(shipment)


class ShipmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ShipmentState.choices)
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gt")

    class Meta:
        model = Shipment
        fields = ["state", "updated_after"]


class ShipmentViewSet(
    PartnerListModelMixin,
    PartnerRetrieveModelMixin,
    PartnerCreateModelMixin,
    PartnerScopedViewSet,
):
    partner_field = "partner"
    lookup_field = "waybill_number"
    lookup_value_regex = "[0-9]{1,20}"
    filterset_class = ShipmentFilter
    required_scopes = {
        "list": "shipments:read",
        "retrieve": "shipments:read",
        "create": "shipments:write",
        "modify": "shipments:write",
        "cancel": "shipments:write",
        "returns": "returns:write",
    }

    def get_base_queryset(self):
        if self.action == "retrieve":
            return shipment_detail_queryset()
        return shipments_listing()

    def get_serializer_class(self):
        return {
            "create": ShipmentCreateSerializer,
            "retrieve": ShipmentDetailSerializer,
            "modify": ShipmentModifySerializer,
            "cancel": ReasonSerializer,
            "returns": ReturnCreateSerializer,
        }.get(self.action, ShipmentSerializer)

    @extend_schema(
        responses={
            201: ShipmentDetailSerializer,
            200: OpenApiResponse(ShipmentDetailSerializer, "Existing shipment of this ref."),
        }
    )
    def create(self, request, *args, **kwargs):
        data = dict(_create_validator(get_language()).run_validation(request.data))
        lines = [dict(line) for line in data.pop("lines")]
        cod_amount = data.pop("cod_amount")
        result = order_intake(self.partner, data, lines, user=request.user, cod_amount=cod_amount)
        if result.created:  # the objects just written, lines included: nothing to read back
            shipment = result.shipment
            shipment.order = result.order
        else:
            shipment = shipment_detail_queryset().get(pk=result.shipment.pk)
        return Response(
            shipment_detail_data(shipment),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=ShipmentModifySerializer,
        responses={200: OutcomeSerializer, 409: OpenApiResponse(description="Not allowed now.")},
    )
    @action(detail=True, methods=["post"])
    def modify(self, request, waybill_number=None):
        """SHP-06. Shipped parcels are handed to after-sales: 409 ``handed_to_aftersales``."""
        shipment = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The partner's system relays a change its customer asked for and confirmed (SHP-06).
        outcome = shipment_modify(
            shipment, dict(serializer.validated_data), user=request.user, confirmed_via="partner"
        )
        if outcome.route == "aftersales":
            raise ConflictError(
                detail="The parcel has shipped; the change was handed to after-sales.",
                code="handed_to_aftersales",
            )
        return Response(OutcomeSerializer(outcome).data)

    @extend_schema(
        request=ReasonSerializer,
        responses={
            200: OutcomeSerializer,
            202: OpenApiResponse(OutcomeSerializer, "Shipped: handed to after-sales recall."),
            409: OpenApiResponse(description="Too late to cancel."),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, waybill_number=None):
        """SHP-07: void before printing, retrieve when printed or packed, recall when shipped."""
        shipment = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = shipment_cancel(
            shipment, user=request.user, reason=serializer.validated_data["reason"]
        )
        code = status.HTTP_200_OK if outcome.applied else status.HTTP_202_ACCEPTED
        return Response(OutcomeSerializer(outcome).data, status=code)

    @extend_schema(request=ReturnCreateSerializer, responses={201: ReturnSerializer})
    @action(detail=True, methods=["post"])
    def returns(self, request, waybill_number=None):
        """RET-02/05: request a return or exchange of a delivered parcel."""
        shipment = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rr = return_request_create(shipment, user=request.user, **serializer.validated_data)
        return Response(ReturnSerializer(rr).data, status=status.HTTP_201_CREATED)


class ReturnViewSet(PartnerListModelMixin, PartnerRetrieveModelMixin, PartnerScopedViewSet):
    partner_field = "partner"
    serializer_class = ReturnSerializer
    required_scopes = {"list": "shipments:read", "retrieve": "shipments:read"}

    def get_base_queryset(self):
        return returns_listing()
