"""Tracking for partners: push events in batches (``events:write``), read a shipment's events
after a sequence number (``shipments:read``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from courier.core.api.base import (
    PartnerAPIView,
    PartnerListModelMixin,
    PartnerScopedViewSet,
    partner_get_object_or_404,
)
from courier.shipments.selectors import shipments_listing
from tracking import selectors
from tracking.api.serializers import (
    AfterSeqSerializer,
    EventBatchDocSerializer,
    EventBatchResultSerializer,
    EventBatchSerializer,
    TrackingEventSerializer,
)
from tracking.services import tracking_events_ingest


class TrackingEventBatchView(PartnerAPIView):
    """``POST /api/v1/tracking-events/``: one result per item, in order."""

    required_scopes = {"post": "events:write"}

    @extend_schema(
        request=EventBatchDocSerializer,
        responses={200: EventBatchResultSerializer},
        operation_id="tracking_events_push",
    )
    def post(self, request):
        serializer = EventBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = tracking_events_ingest(
            self.partner, serializer.validated_data["events"], user=request.user
        )
        return Response({"results": [r.as_dict() for r in results]})


class ShipmentEventViewSet(PartnerListModelMixin, PartnerScopedViewSet):
    """``GET /api/v1/shipments/{waybill_number}/events/?after_seq=N``, in sequence order."""

    partner_field = "partner"
    serializer_class = TrackingEventSerializer
    required_scopes = {"list": "shipments:read"}
    ordering = "seq"

    def get_base_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no path parameters
            return selectors.events_for_partner_api().none()
        params = AfterSeqSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        # Live and archived events; the shipment is resolved first so that each event table is
        # read by its (shipment, seq) index. Another partner's waybill: an empty list.
        shipment_id = selectors.partner_shipment_id(
            getattr(self.request.auth, "partner", None), self.kwargs["waybill_number"]
        )
        return selectors.events_for_partner_api().filter(
            shipment_id=shipment_id, seq__gt=params.validated_data.get("after_seq", 0)
        )

    @extend_schema(
        parameters=[OpenApiParameter("after_seq", OpenApiTypes.INT, required=False)],
    )
    def list(self, request, *args, **kwargs):
        # The parent first: another partner's waybill answers 404 before anything else.
        partner_get_object_or_404(
            shipments_listing(), self.partner, "partner", waybill_number=kwargs["waybill_number"]
        )
        return super().list(request, *args, **kwargs)

    @property
    def paginator(self):
        paginator = super().paginator
        if paginator is not None:
            # A tuple: DRF reads the position of the next page's cursor field by field, and
            # this property runs again after the page is cut (a string gave a 500 on page 2).
            paginator.ordering = ("seq",)
        return paginator
