"""The JSON parser of the partner API: DRF's, plus a nesting limit.

A body nested deeper than ``API_MAX_JSON_DEPTH`` (arrays and objects) is refused with 400
``json_too_deep`` before any serializer walks it; a body so deep that Python's decoder itself
gives up (``RecursionError``) gets the same answer, with no traceback in the log.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser


class JSONTooDeep(exceptions.ParseError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The JSON body is nested too deeply.")
    default_code = "json_too_deep"


def json_depth_exceeds(data, limit: int) -> bool:
    """True when ``data`` nests lists/dicts more than ``limit`` levels (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise JSONTooDeep()
        if json_depth_exceeds(data, settings.API_MAX_JSON_DEPTH):
            raise JSONTooDeep()
        return data
