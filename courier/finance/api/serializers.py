"""Serializers of the finance API: input shapes only; the services validate the rules."""

from decimal import Decimal

from rest_framework import serializers

from courier.core.api.serializers import StrictSerializer
from courier.finance.models import FeeMode, LedgerEntry, Statement, StatementLine

DIM = {"max_digits": 7, "decimal_places": 1, "min_value": Decimal("0.1"), "required": False}


class ExtraSerializer(StrictSerializer):
    code = serializers.SlugField(max_length=32)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )


class QuoteRequestSerializer(StrictSerializer):
    """FIN-01: a parcel to price. Give the three dimensions (cm) or the volume (cm³)."""

    mode = serializers.ChoiceField(choices=FeeMode.choices)
    origin_province = serializers.CharField(max_length=32)
    destination_province = serializers.CharField(max_length=32)
    weight_kg = serializers.DecimalField(max_digits=9, decimal_places=3, min_value=Decimal("0.001"))
    length_cm = serializers.DecimalField(**DIM)
    width_cm = serializers.DecimalField(**DIM)
    height_cm = serializers.DecimalField(**DIM)
    volume_cm3 = serializers.DecimalField(
        max_digits=12, decimal_places=1, min_value=Decimal("0"), required=False
    )
    declared_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    extras = ExtraSerializer(many=True, required=False, max_length=20)
    date = serializers.DateField(required=False)


class QuoteLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    description = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    rule = serializers.JSONField(help_text="The rule and numbers this line was computed with.")


class QuoteSerializer(serializers.Serializer):
    schedule = serializers.CharField(source="schedule_code")
    version = serializers.IntegerField(source="version_id")
    chargeable_kg = serializers.DecimalField(max_digits=12, decimal_places=3)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    lines = QuoteLineSerializer(many=True)


class StatementSerializer(serializers.ModelSerializer):
    # A plain string in the schema: a choice field named ``state`` would collide with the other
    # apps' state enums (until ENUM_NAME_OVERRIDES names this one).
    state = serializers.CharField(
        read_only=True,
        help_text="draft, issued, disputed, superseded, confirmed, settled or closed.",
    )

    class Meta:
        model = Statement
        fields = [
            "number",
            "version",
            "period_kind",
            "period_start",
            "period_end",
            "state",
            "total",
            "line_count",
            "issued_at",
            "confirm_by",
            "confirmed_at",
            "due_on",
        ]
        read_only_fields = fields


class StatementLineSerializer(serializers.ModelSerializer):
    line = serializers.IntegerField(source="number")

    class Meta:
        model = StatementLine
        fields = [
            "line",
            "kind",
            "waybill_number",
            "description",
            "weight_kg",
            "amount",
            "partner_state",
        ]
        read_only_fields = fields


class StatementDetailSerializer(StatementSerializer):
    lines = StatementLineSerializer(many=True, read_only=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class ConfirmSerializer(StrictSerializer):
    """Without ``lines``: confirm the whole statement; with them: confirm those lines only."""

    lines = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=10000
    )


class DisputeSerializer(StrictSerializer):
    """FIN-04: dispute one line (``line``) or the whole statement, with your figure."""

    line = serializers.IntegerField(min_value=1, required=False)
    reason = serializers.CharField(max_length=2000)
    their_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DisputeOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    line = serializers.IntegerField(source="line.number", allow_null=True, default=None)
    disputed_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    state = serializers.CharField()
    due_at = serializers.DateTimeField()


class LedgerEntrySerializer(serializers.ModelSerializer):
    statement = serializers.CharField(source="statement.number", allow_null=True, default=None)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "purpose",
            "amount",
            "reference",
            "reason",
            "statement",
            "created_at",
        ]
        read_only_fields = fields
