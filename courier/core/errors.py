"""The one error root: every error a service raises on purpose derives from ``ApplicationError``.

Four kinds, each with one HTTP status and one machine code wherever it surfaces (the API's
exception handler and the admin workflow kit map by class, never by app):

- ``InvalidInput``: 400, ``invalid``. The request itself is wrong; fix it and retry.
- ``PermissionRefused``: 403, ``permission_denied``. This person may not do this.
- ``NotFound``: 404, ``not_found``. The object does not exist (or is not theirs).
- ``StateConflict``: 409, ``invalid_state``. The object's state does not allow it (now).

An app's own root (``ComplaintError``, ``StaffingError``, ``ScoringError``) derives from
``ApplicationError`` and is mixed *after* the kind: ``class MonthFrozen(StateConflict,
ScoringError)``, so the kind's status wins and ``except ScoringError`` still catches it.

``ApplicationError`` is a Django ``ValidationError``: that class already carries one message, a
list or a field → messages dict, lazily translated, with a code, and Django's forms and admin
know how to show it. ``StateConflict`` is also django-fsm's ``TransitionNotAllowed``, which is
what a refused transition raises.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed


class ApplicationError(ValidationError):
    """Root of every deliberate refusal. Subclass one of the four kinds below, not this."""

    http_status = 400
    default_code = "invalid"
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, code=None, params=None):
        super().__init__(self.default_message if message is None else message, code, params)

    @property
    def error_code(self) -> str:
        """The machine code: the one given when raised, else the kind's."""
        return getattr(self, "code", None) or self.default_code

    def __str__(self) -> str:
        return " ".join(str(m) for m in self.messages)


class InvalidInput(ApplicationError):
    http_status = 400
    default_code = "invalid"
    default_message = _("Invalid input.")


class PermissionRefused(ApplicationError):
    http_status = 403
    default_code = "permission_denied"
    default_message = _("You do not have permission to perform this action.")


class NotFound(ApplicationError):
    http_status = 404
    default_code = "not_found"
    default_message = _("Not found.")


class StateConflict(ApplicationError, TransitionNotAllowed):
    http_status = 409
    default_code = "invalid_state"
    default_message = _("The object's current state does not allow this operation.")
