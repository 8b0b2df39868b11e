"""The one exception to "every endpoint under /api/v1/ is partner-scoped": public views.

A public view answers without a key (no authentication, no partner, no scope) and only reads.
It derives from ``PublicAPIView`` and names why it is public in ``public_reason``. Being a
``PublicAPIView`` is not enough: the API security tests accept a public view under ``/api/v1/``
only when it is on the reviewed allow-list ``PUBLIC_ENDPOINTS`` of ``tests/api_registry.py``
(path, view, methods and the reason); any other view not on ``courier.core.api.base`` fails
``test_every_partner_view_under_api_v1_is_built_on_the_base``. A public view protects itself:
its own rate limit per client address, masking, and no personal data it would not show a
stranger. Its schema operation says so (``security: []``) and documents 400/404/429.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from courier.core.api.schema import PartnerAutoSchema
from courier.core.api.serializers import ErrorSerializer

PUBLIC_ERRORS = {
    "400": "Invalid input (code `invalid`).",
    "404": "No such object (`not_found`).",
    "429": "Too many requests from this client address (`throttled`); see Retry-After.",
}


class PublicAutoSchema(PartnerAutoSchema):
    """No key: ``security: []``; the errors a public view gives (400, 404, 429)."""

    def get_auth(self):
        return []

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            operation["security"] = []  # explicit: no key is needed
        return operation

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in PUBLIC_ERRORS.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description),
                    code,
                    direction=direction,
                )
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "429":
            headers = dict(headers or {})
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before retrying.",
            }
        return headers


class PublicAPIView(APIView):
    """A read-only view without a key (see the module docstring). Subclasses set
    ``public_reason`` and implement ``get`` only."""

    public_reason: str = ""
    authentication_classes: tuple = ()
    permission_classes: tuple = ()
    throttle_classes: tuple = ()  # the view limits per client address itself
    renderer_classes = (JSONRenderer,)
    http_method_names = ["get", "head", "options"]
    schema = PublicAutoSchema()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.public_reason:
            raise TypeError(f"{cls.__name__} must say why it is public (public_reason)")
        for method in ("post", "put", "patch", "delete"):
            if hasattr(cls, method):
                raise TypeError(f"{cls.__name__}: a public view only reads ({method})")


__all__ = ["PUBLIC_ERRORS", "PublicAPIView", "PublicAutoSchema"]
