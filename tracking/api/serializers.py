"""Serializers of the tracking API (documentation of the batch items and the answers; each
item is checked by the ingestion service so that one bad item rejects only itself)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from courier.core.api.serializers import StrictSerializer
from tracking import rules
from tracking.models import AnyTrackingEvent


class EventItemSerializer(StrictSerializer):
    """One event as the partner sends it (documentation: the service checks each item)."""

    waybill_number = serializers.CharField(max_length=32)
    event_id = serializers.CharField(max_length=64, help_text=_("The partner's event id."))
    status = serializers.CharField(
        max_length=32,
        help_text=_("Our normalised code, or the partner's raw code where a mapping exists."),
    )
    occurred_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(max_length=500, allow_blank=True)
    sub_status = serializers.CharField(max_length=20, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180
    )


class EventBatchDocSerializer(StrictSerializer):
    events = EventItemSerializer(many=True)


class EventBatchSerializer(StrictSerializer):
    """What the view checks itself: an ``events`` list; the items go to the service as sent
    (which checks each one). No per-item field: a ``JSONField`` child serialised every item
    again only to prove what the JSON parser already did."""

    events = serializers.ListField(allow_empty=True)


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    event_id = serializers.CharField(allow_null=True)
    result = serializers.ChoiceField(choices=["accepted", "duplicate", "rejected"])
    reason = serializers.CharField(allow_blank=True)


class EventBatchResultSerializer(serializers.Serializer):
    results = ItemResultSerializer(many=True)


class AfterSeqSerializer(StrictSerializer):
    after_seq = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False)


class TrackingEventSerializer(serializers.ModelSerializer):
    """An event of the partner sync, live or archived (the same fields)."""

    event_id = serializers.CharField(source="partner_event_id", allow_blank=True)
    status = serializers.ChoiceField(choices=list(rules.STATUSES))

    class Meta:
        model = AnyTrackingEvent
        fields = [
            "seq",
            "event_id",
            "status",
            "sub_status",
            "raw_code",
            "occurred_at",
            "received_at",
            "location",
            "latitude",
            "longitude",
            "source",
            "description",
        ]
        read_only_fields = fields
