"""JSON errors for every path under ``/api/``, including those no URL pattern matches.

``/api/v1/`` ends with a catch-all view (``api_not_found``), so unknown paths there are already
JSON; this middleware covers the rest of ``/api/`` (``/api/v2/...``, ``/api``) and any HTML 404 or
405 a non-DRF view might give, so a client always gets ``{"code", "message", "details"}``.
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from courier.core.api.exceptions import error_body

API_PREFIX = "/api/"

_MESSAGES = {
    404: ("not_found", _("No API endpoint at this path.")),
    405: ("method_not_allowed", _("This method is not allowed at this path.")),
}


def _is_api_path(path: str) -> bool:
    return path == API_PREFIX.rstrip("/") or path.startswith(API_PREFIX)


class APIJSONErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in _MESSAGES
            and _is_api_path(request.path_info)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = _MESSAGES[response.status_code]
            json_response = JsonResponse(error_body(code, message), status=response.status_code)
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response
