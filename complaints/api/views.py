"""Partner API: file complaints about own shipments, read status and deadlines, answer the
proposed solution (CMP-07)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from complaints.models import Channel, Complaint, Kind
from complaints.services import complaint_create, complaint_feedback_record
from courier.core.api.base import (
    PartnerCreateModelMixin,
    PartnerListModelMixin,
    PartnerRetrieveModelMixin,
    PartnerScopedViewSet,
)

from .serializers import ComplaintSerializer, FeedbackSerializer


class ComplaintViewSet(
    PartnerListModelMixin,
    PartnerRetrieveModelMixin,
    PartnerCreateModelMixin,
    PartnerScopedViewSet,
):
    partner_field = "partner"
    serializer_class = ComplaintSerializer
    filterset_fields = ["state", "category"]
    ordering = ["-received_at"]
    required_scopes = {
        "list": "complaints:read",
        "retrieve": "complaints:read",
        "create": "complaints:write",
        "feedback": "complaints:write",
    }

    def get_base_queryset(self):
        return Complaint.objects.select_related("shipment")

    def create_object(self, data):
        return complaint_create(
            user=self.request.user,
            partner=self.partner,
            channel=Channel.API,
            kind=Kind.COMPLAINT,
            **data,
        )

    @extend_schema(request=FeedbackSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        complaint = self.get_object()
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = complaint_feedback_record(
            complaint, user=request.user, partner=self.partner, **serializer.validated_data
        )
        return Response(self.get_serializer(complaint).data)
