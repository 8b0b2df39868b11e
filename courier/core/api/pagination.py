"""Cursor pagination: ``?cursor=`` and ``?page_size=`` (max 100); a bad cursor is a 400."""

from django.conf import settings
from rest_framework.pagination import CursorPagination

from courier.core.api.exceptions import InvalidCursor


class PartnerCursorPagination(CursorPagination):
    page_size_query_param = "page_size"
    # Newest first by primary key unless a view sets ``ordering`` (a unique, unchanging field).
    ordering = "-pk"

    def __init__(self):
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except (TypeError, ValueError):
                size = 0
            if size < 1:
                raise InvalidCursor(
                    detail=f"page_size must be an integer from 1 to {self.max_page_size}.",
                    code="invalid_page_size",
                )
            return min(size, self.max_page_size)
        return settings.API_PAGE_SIZE

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except Exception:  # DRF raises NotFound; a bad cursor is the client's input error
            raise InvalidCursor()

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": settings.API_MAX_PAGE_SIZE,
                }
        return params
