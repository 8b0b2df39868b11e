"""Cursor pagination: ``?cursor=`` and ``?page_size=`` (max 100); a bad cursor is a 400."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
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

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError):
            # A forged position the checks below did not foresee: still the client's error.
            if request.query_params.get(self.cursor_query_param) is None:
                raise
            raise InvalidCursor()

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except Exception:  # DRF raises NotFound; a bad cursor is the client's input error
            raise InvalidCursor()
        if cursor is not None and cursor.position is not None:
            self._position_check(cursor.position)
        return cursor

    def _position_check(self, position: str) -> None:
        """A cursor is opaque but not signed: check its position is a value of the ordering
        field before it reaches the database (where a wrong type or an out-of-range number
        would be a 500, or abort the transaction on PostgreSQL)."""
        if "\x00" in position:
            raise InvalidCursor()
        name = self.ordering[0].lstrip("-")
        model = getattr(self, "_model", None)
        if model is None or "__" in name:
            return
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
            value = field.to_python(position)
        except (FieldDoesNotExist, DjangoValidationError, ValueError, TypeError, OverflowError):
            raise InvalidCursor()
        if isinstance(value, int):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            if (low is not None and value < low) or (high is not None and value > high):
                raise InvalidCursor()
        elif isinstance(value, dt.datetime | dt.date) and not 1 < value.year < 9999:
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
