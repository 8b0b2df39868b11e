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


# --- a stable contract ---------------------------------------------------------------------
# Generated clients name classes after component names, operation ids, enum names and (for
# inline schemas) titles. Those must not depend on the language of the request: component names,
# operation ids and enum names come from code (English); this hook removes every ``title`` (a
# translated field label, which openapi-python-client turns into a class name such as
# ``ShipmentsList状态``) and keeps its text as the ``description``; and it points every inline
# enum of a query parameter at the component enum with the same values, so a filter and the
# field it filters share one named type.


def _untitle(node) -> None:
    if isinstance(node, dict):
        title = node.pop("title", None)
        if title is not None and "description" not in node and "$ref" not in node:
            node["description"] = title
        for value in node.values():
            _untitle(value)
    elif isinstance(node, list):
        for value in node:
            _untitle(value)


def _enum_values(schema: dict) -> frozenset | None:
    values = schema.get("enum")
    if not isinstance(values, list):
        return None
    values = frozenset(v for v in values if v not in ("", None))
    return values or None


def postprocess_stable_contract(result, generator, request, public):
    """The last schema hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    components = result.get("components", {}).get("schemas", {})
    for schema in components.values():
        _untitle(schema.get("properties", {}))
        for key in ("oneOf", "allOf", "anyOf"):
            _untitle(schema.get(key, []))
    named_enums = {}
    for name, schema in sorted(components.items()):
        values = _enum_values(schema)
        if values is not None:
            named_enums.setdefault(values, name)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                parameter.pop("title", None)
                schema = parameter.get("schema") or {}
                schema.pop("title", None)
                values = _enum_values(schema)
                if values is not None and values in named_enums and schema.get("type") == "string":
                    parameter["schema"] = {"$ref": f"#/components/schemas/{named_enums[values]}"}
                items = schema.get("items") or {}
                items.pop("title", None)
    return result
