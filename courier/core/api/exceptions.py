"""Every API failure as ``{"code": ..., "message": ..., "details": ...}``.

``code`` is a stable machine word (``not_found``, ``invalid``, ``parse_error``, ``throttled``,
``payload_too_large``, ``invalid_cursor``, ``idempotency_key_reused``, ``invalid_state``, ...),
``message`` a human sentence in the request's language, ``details`` an object (for ``invalid``:
field name → list of ``{"message", "code"}``) or ``null``.

Domain code raises ``courier.core.errors``' kinds, mapped by class to their status and code
(``InvalidInput`` 400, ``PermissionRefused`` 403, ``NotFound`` 404, ``StateConflict`` 409),
whatever app raised them. Also understood: DRF exceptions, Django's ``ValidationError`` (400),
``Http404`` (404), ``PermissionDenied`` (403) and django-fsm's ``TransitionNotAllowed`` (409).
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from courier.core.errors import ApplicationError, InvalidInput

logger = logging.getLogger("courier.api")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The cursor is invalid.")
    default_code = "invalid_cursor"


class ConflictError(exceptions.APIException):
    """The object is not in a state that allows the operation (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The object's current state does not allow this operation.")
    default_code = "invalid_state"


def error_body(code: str, message, details=None) -> dict:
    return {"code": str(code), "message": str(message), "details": details}


def _plain(detail):
    """ErrorDetail trees as plain JSON: ``{"field": [{"message", "code"}]}``."""
    if isinstance(detail, dict):
        return {str(k): _plain(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_plain(v) for v in detail]
    if isinstance(detail, exceptions.ErrorDetail):
        return {"message": str(detail), "code": detail.code}
    return detail


class ApplicationAPIError(exceptions.APIException):
    """An ``ApplicationError`` other than invalid input, with its kind's status and code."""

    def __init__(self, error: ApplicationError):
        super().__init__(detail=str(error), code=error.error_code)
        self.status_code = error.http_status


def _validation_detail(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        detail = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        if "__all__" in detail:
            detail["non_field_errors"] = detail.pop("__all__")
        return detail
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _convert(exc):
    if isinstance(exc, ApplicationError):
        if exc.http_status == InvalidInput.http_status:
            return exceptions.ValidationError(_validation_detail(exc))
        return ApplicationAPIError(exc)
    if isinstance(exc, IntegrityError):
        return ConflictError(_("The request conflicts with existing data."), code="conflict")
    if isinstance(exc, DataError):
        return exceptions.ValidationError(
            {"non_field_errors": [_("A value is out of the supported range.")]}
        )
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, TransitionNotAllowed):
        return ConflictError()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(_validation_detail(exc))
    return exc


def _rollback(context, exc) -> None:
    """Undo the request's writes after a database error or a crash: in the base's savepoint
    when there is one (see ``PartnerAPIMixin.dispatch``), else DRF's ATOMIC_REQUESTS rule."""
    view = (context or {}).get("view")
    if getattr(view, "_savepoint_active", False):
        transaction.set_rollback(True)
    else:
        set_rollback()


def api_exception_handler(exc, context):
    """DRF ``EXCEPTION_HANDLER``: the one error format; unexpected errors are logged, 500 JSON."""
    expected = Http404 | DjangoPermissionDenied | DjangoValidationError | exceptions.APIException
    if isinstance(exc, DatabaseError) or not isinstance(exc, expected):
        _rollback(context, exc)
    exc = _convert(exc)
    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", _("An unexpected error occurred. It has been logged.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", _("Invalid input."), _plain(exc.detail))
        if isinstance(exc.detail, list):
            body["details"] = {"non_field_errors": _plain(exc.detail)}
    else:
        detail = exc.detail
        if isinstance(detail, exceptions.ErrorDetail):
            code, message, details = detail.code, str(detail), None
        else:
            code, message, details = exc.default_code, exc.default_detail, _plain(detail)
        if isinstance(exc, exceptions.Throttled):
            code = "throttled"
            details = {"retry_after": int(headers.get("Retry-After", 1))}
        body = error_body(code, message, details)
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)
