"""Serializers of the shipments API: input shapes only; the services validate the rules."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from courier.core.api.serializers import StrictSerializer
from courier.shipments import rules
from courier.shipments.models import Channel, OrderLine, ReturnRequest, Shipment, TransportMode


def _phone(value: str) -> str:
    if not rules.phone_is_valid(value):
        raise serializers.ValidationError(
            _("Enter a Chinese mobile (e.g. 13812345678) or landline (e.g. 010-12345678) number."),
            code="invalid_phone",
        )
    return value


def _future(value):
    if value is not None and value <= timezone.now():
        raise serializers.ValidationError(
            _("The required arrival time is in the past."), code="in_past"
        )
    return value


class LineInSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    attributes = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )


def _address(prefix: str) -> dict:
    return {
        f"{prefix}_name": serializers.CharField(max_length=100),
        f"{prefix}_phone": serializers.CharField(max_length=32, validators=[_phone]),
        f"{prefix}_province": serializers.CharField(max_length=32),
        f"{prefix}_city": serializers.CharField(max_length=32),
        f"{prefix}_district": serializers.CharField(max_length=32),
        f"{prefix}_address": serializers.CharField(max_length=200),
    }


_SenderFields = type("_SenderFields", (serializers.Serializer,), _address("sender"))
_RecipientFields = type("_RecipientFields", (serializers.Serializer,), _address("recipient"))


class ShipmentCreateSerializer(StrictSerializer, _SenderFields, _RecipientFields):
    """An order and its waybill. ``partner_ref`` is unique per partner: sending it again returns
    the existing shipment (200) instead of a new one."""

    partner_ref = serializers.CharField(max_length=64)
    channel = serializers.ChoiceField(choices=Channel.choices, default="api")
    weight_kg = serializers.DecimalField(max_digits=9, decimal_places=3, min_value=Decimal("0.001"))
    volume_m3 = serializers.DecimalField(
        max_digits=9, decimal_places=4, min_value=Decimal("0"), required=False
    )
    dangerous_goods = serializers.BooleanField(required=False, default=False)
    fragile = serializers.BooleanField(required=False, default=False)
    keep_upright = serializers.BooleanField(required=False, default=False)
    moisture_sensitive = serializers.BooleanField(required=False, default=False)
    appearance_requirements = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    required_arrival_at = serializers.DateTimeField(
        required=False, allow_null=True, validators=[_future]
    )
    transport_mode = serializers.ChoiceField(choices=TransportMode.choices, default="road")
    goods_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    declared_value = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="Declared value for insurance (yuan, 2 places); the fee snapshot adds the "
        "insurance line from it (FIN-01).",
    )
    paid_at = serializers.DateTimeField(required=False)
    in_stock = serializers.BooleanField(required=False, default=True)
    made_to_order = serializers.BooleanField(required=False, default=False)
    cod_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        default=Decimal("0"),
    )
    lines = LineInSerializer(many=True, allow_empty=False, max_length=200)


class ShipmentModifySerializer(StrictSerializer):
    """SHP-06: the fields a customer may ask to change; what happens depends on the stage."""

    recipient_name = serializers.CharField(max_length=100, required=False)
    recipient_phone = serializers.CharField(max_length=32, required=False, validators=[_phone])
    recipient_province = serializers.CharField(max_length=32, required=False)
    recipient_city = serializers.CharField(max_length=32, required=False)
    recipient_district = serializers.CharField(max_length=32, required=False)
    recipient_address = serializers.CharField(max_length=200, required=False)
    required_arrival_at = serializers.DateTimeField(required=False, validators=[_future])
    transport_mode = serializers.ChoiceField(choices=TransportMode.choices, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Name at least one field to change."))
        return attrs


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class LineOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["name", "attributes", "quantity", "unit_price", "amount"]


class ShipmentSerializer(serializers.ModelSerializer):
    partner_ref = serializers.CharField(source="order.partner_ref")
    channel = serializers.CharField(source="order.channel")
    recipient_name = serializers.CharField(source="order.recipient_name")
    recipient_city = serializers.CharField(source="order.recipient_city")
    transport_mode = serializers.CharField(source="order.transport_mode")
    verification = serializers.CharField(source="order.verification")
    promised_dispatch_date = serializers.DateField(source="order.promised_dispatch_date")
    declared_value = serializers.DecimalField(
        source="order.declared_value",
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="The value the sender declared for insurance (yuan, 2 places); null: none "
        "declared, so no insurance line (FIN-01).",
    )

    class Meta:
        model = Shipment
        fields = [
            "waybill_number",
            "partner_ref",
            "kind",
            "state",
            "channel",
            "recipient_name",
            "recipient_city",
            "transport_mode",
            "verification",
            "promised_dispatch_date",
            "cod_amount",
            "declared_value",
            "printed_at",
            "shipped_at",
            "delivered_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FeeLineOutSerializer(serializers.Serializer):
    """FIN-01: one line of the shipment's fee snapshot, written when it was created (and any
    adjustment since, e.g. a re-weigh at the station)."""

    kind = serializers.CharField(
        help_text="freight, insurance, agency, other, surcharge or adjustment."
    )
    code = serializers.CharField()
    description = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    chargeable_kg = serializers.DecimalField(max_digits=10, decimal_places=3, allow_null=True)
    rule = serializers.JSONField(help_text="The rule and numbers this line was computed with.")


class ShipmentDetailSerializer(ShipmentSerializer):
    lines = LineOutSerializer(source="order.lines", many=True, read_only=True)
    fee_lines = FeeLineOutSerializer(many=True, read_only=True)

    class Meta(ShipmentSerializer.Meta):
        fields = [*ShipmentSerializer.Meta.fields, "lines", "fee_lines"]
        read_only_fields = fields


class OutcomeSerializer(serializers.Serializer):
    route = serializers.CharField()
    applied = serializers.BooleanField()
    shipment = ShipmentSerializer()


class ReturnCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ReturnRequest.Kind.choices)
    reason = serializers.CharField(max_length=1000)
    quality_problem = serializers.BooleanField(required=False, default=False)
    customer_ref = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, validators=[_phone]
    )
    wanted_item = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReturnSerializer(serializers.ModelSerializer):
    waybill_number = serializers.CharField(source="shipment.waybill_number")
    exchange_waybill_number = serializers.CharField(
        source="exchange_shipment.waybill_number", allow_null=True, default=None
    )

    class Meta:
        model = ReturnRequest
        fields = [
            "id",
            "waybill_number",
            "kind",
            "state",
            "quality_problem",
            "reason",
            "return_waybill_number",
            "return_leg_payer",
            "outbound_leg_payer",
            "refund_return_freight",
            "refund_amount",
            "exchange_waybill_number",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
