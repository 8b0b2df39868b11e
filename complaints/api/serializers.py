from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.models import Category, Complaint, Severity
from courier.core.api.serializers import (
    PartnerOwnedSlugRelatedField,
    StrictModelSerializer,
    StrictSerializer,
)
from courier.shipments.selectors import shipments_all


class ComplaintSerializer(StrictModelSerializer):
    """A partner's view of a complaint: status, deadlines and the proposed solution."""

    shipment = PartnerOwnedSlugRelatedField(
        slug_field="waybill_number",
        queryset=shipments_all(),
        required=False,
        allow_null=True,
        help_text=_("Waybill number of one of your shipments."),
    )
    category = serializers.ChoiceField(choices=Category.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.ORDINARY)
    solution = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "shipment",
            "category",
            "severity",
            "description",
            "customer_name",
            "customer_phone",
            "customer_email",
            "state",
            "escalation_level",
            "received_at",
            "respond_by",
            "resolve_by",
            "responded_at",
            "solution",
            "solution_sent_at",
            "feedback_accepted",
            "closed_at",
        ]
        read_only_fields = [
            "id",
            "state",
            "escalation_level",
            "received_at",
            "respond_by",
            "resolve_by",
            "responded_at",
            "solution",
            "solution_sent_at",
            "feedback_accepted",
            "closed_at",
        ]
        extra_kwargs = {"description": {"max_length": 5000}}

    def get_solution(self, obj) -> str:
        """The proposed solution, once it was sent (CMP-07)."""
        return obj.solution if obj.solution_sent_at else ""


class FeedbackSerializer(StrictSerializer):
    accepted = serializers.BooleanField(help_text=_("Did the customer accept the solution?"))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
