"""OpenAPI generation for the partner API: error responses and the Idempotency-Key header on
every partner operation, so the schema documents what the base actually answers."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from courier.core.api.idempotency import MAX_KEY_LENGTH
from courier.core.api.serializers import ErrorSerializer

_ERROR_DESCRIPTIONS = {
    "400": (
        "Invalid input (code `invalid`, `parse_error`, `json_too_deep`, `invalid_cursor`, "
        "`invalid_idempotency_key`, ...)."
    ),
    "401": "Missing, invalid, expired or revoked API key.",
    "403": "The key lacks the scope this operation needs (`insufficient_scope`).",
    "404": "No such object for this partner (`not_found`).",
    "409": "Conflict: the object's state forbids it, or the same Idempotency-Key is in flight.",
    "413": "The request body is larger than 1 MiB (`payload_too_large`).",
    "415": "The body is not `application/json` (`unsupported_media_type`).",
    "422": "The Idempotency-Key was used before with a different request.",
    "429": (
        "Too many requests for this key, or too many invalid keys from this address "
        "(`throttled`); see the Retry-After header."
    ),
}


class PartnerAutoSchema(AutoSchema):
    def _is_partner_view(self) -> bool:
        from courier.core.api.base import PartnerAPIMixin

        return isinstance(self.view, PartnerAPIMixin)

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self.method == "POST" and self._is_partner_view():
            params.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_KEY_LENGTH,
                        # printable ASCII; no blank at either end (HTTP strips them)
                        "pattern": "^[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?$",
                    },
                    OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "Up to 255 printable ASCII characters. A retry with the same key and body "
                        "returns the first response; kept for at least 24 hours."
                    ),
                )
            )
        return params

    def _error_codes(self) -> list[str]:
        codes = ["400", "401", "403", "429"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")
        if self.method == "POST":
            codes.append("422")
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not self._is_partner_view():
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code]),
                    code,
                    direction=direction,
                )
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "429" and self._is_partner_view():
            headers = dict(headers or {})
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before retrying.",
            }
        return headers
