"""Base serializers of the partner API. Domain serializers inherit these.

- ``StrictSerializer`` / ``StrictModelSerializer``: a write naming an unknown field or a read-only
  field is rejected with 400 (``details``: ``{"field": [{"code": "unknown_field"}]}``, or
  ``"read_only"``).
- ``PartnerOwnedRelatedField`` / ``PartnerOwnedSlugRelatedField``: a link to another object in a
  request body that accepts only the calling partner's own objects; another partner's id gets the
  same 400 as an id that does not exist (``does_not_exist``). The security-matrix test finds these
  fields in the OpenAPI schema (``x-partner-link``) and checks them automatically.
"""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail


class StrictSerializerMixin:
    """Reject unknown and read-only keys in the input instead of silently ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for key in data:
                field = self.fields.get(key)
                if field is None:
                    errors[key] = [ErrorDetail(_("Unknown field."), code="unknown_field")]
                elif field.read_only:
                    errors[key] = [ErrorDetail(_("This field is read-only."), code="read_only")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializer(StrictSerializerMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    pass


def request_partner(context):
    """The partner of the request in a serializer context, or None."""
    request = (context or {}).get("request")
    auth = getattr(request, "auth", None)
    return getattr(auth, "partner", None)


class PartnerOwnedMixin:
    """Limits a related field's queryset to the calling partner's objects.

    ``partner_field`` is the ORM path from the related model to ``Partner`` (``"partner"``,
    ``"shipment__partner"``). Without a partner in the serializer context nothing is accepted.
    """

    def __init__(self, *args, partner_field: str = "partner", **kwargs):
        self.partner_field = partner_field
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        partner = request_partner(self.context)
        if partner is None:
            return queryset.none()
        return queryset.filter(**{self.partner_field: partner})

    @property
    def partner_link_model(self) -> str:
        return self.queryset.model._meta.label


class PartnerOwnedRelatedField(PartnerOwnedMixin, serializers.PrimaryKeyRelatedField):
    """A primary-key link to one of the partner's own objects.

    ``PartnerOwnedRelatedField(queryset=Shipment.objects.all(), partner_field="partner")``
    """


class PartnerOwnedSlugRelatedField(PartnerOwnedMixin, serializers.SlugRelatedField):
    """A link by a unique slug (e.g. a waybill number) to one of the partner's own objects.

    ``PartnerOwnedSlugRelatedField(slug_field="waybill_no", queryset=Shipment.objects.all())``
    """


class _PartnerLinkExtension(OpenApiSerializerFieldExtension):
    """Schema for partner links: the plain id type plus ``x-partner-link: app_label.Model``."""

    target_class = PartnerOwnedMixin
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        if isinstance(field, serializers.SlugRelatedField):
            model_field = field.queryset.model._meta.get_field(field.slug_field)
        else:
            model_field = field.queryset.model._meta.pk
        if model_field.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField"):
            schema = build_basic_type(OpenApiTypes.INT)
        elif model_field.get_internal_type() == "UUIDField":
            schema = build_basic_type(OpenApiTypes.UUID)
        else:
            schema = build_basic_type(OpenApiTypes.STR)
        schema["x-partner-link"] = field.partner_link_model
        schema["x-partner-link-field"] = getattr(field, "slug_field", None) or "pk"
        return schema


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    code = serializers.CharField(help_text="A stable machine-readable error code.")
    message = serializers.CharField(help_text="A human-readable explanation.")
    details = serializers.JSONField(
        allow_null=True, help_text="Field errors or other structured details, or null."
    )
