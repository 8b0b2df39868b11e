"""Refusals of the finance domain: each is one of the four kinds of ``courier.core.errors``
first, so it answers the kind's status from the API and the admin."""

from courier.core.errors import (
    ApplicationError,
    InvalidInput,
    NotFound,
    PermissionRefused,
    StateConflict,
)


class FinanceError(ApplicationError):
    """Root of the finance domain's refusals. A field → message dict keeps the machine code
    given with it (Django's ``ValidationError`` keeps a code only for a single message)."""

    def __init__(self, message=None, code=None, params=None):
        super().__init__(message, code, params)
        if code is not None and getattr(self, "code", None) is None:
            self.code = code


class FinanceInvalid(InvalidInput, FinanceError):
    pass


class FinanceRefused(PermissionRefused, FinanceError):
    pass


class FinanceNotFound(NotFound, FinanceError):
    pass


class FinanceConflict(StateConflict, FinanceError):
    pass


__all__ = [
    "FinanceConflict",
    "FinanceError",
    "FinanceInvalid",
    "FinanceNotFound",
    "FinanceRefused",
]
