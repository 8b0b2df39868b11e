"""Scope checks: each view maps its actions (or HTTP methods) to the scope a key must carry."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from courier.core.models import PartnerAPIKey

ANY_KEY = None  # ``required_scopes`` value: any valid key of the partner may call the action


def required_scope_for(view, request):
    """The scope(s) an action needs: a str, a tuple/set (all needed), ``ANY_KEY``, or missing."""
    scopes = getattr(view, "required_scopes", {}) or {}
    action = getattr(view, "action", None)
    method = request.method.lower()
    if method == "options":
        return ANY_KEY
    for name in (action, method):
        if name and name in scopes:
            return scopes[name]
    if method == "head" and "get" in scopes:
        return scopes["get"]
    return _MISSING


_MISSING = object()


class IsPartnerKey(BasePermission):
    """The request was authenticated with a partner API key."""

    def has_permission(self, request, view):
        return isinstance(request.auth, PartnerAPIKey)


class HasPartnerScope(BasePermission):
    """The key carries the scope the action needs; an undeclared action is refused (fail closed)."""

    message = _("This API key lacks the scope this operation needs.")
    code = "insufficient_scope"

    def has_permission(self, request, view):
        if not hasattr(view, request.method.lower()):
            return True  # no handler: the view answers 405
        needed = required_scope_for(view, request)
        if needed is _MISSING:
            return False
        if needed is ANY_KEY:
            return True
        if isinstance(needed, str):
            needed = {needed}
        granted = set(request.auth.scopes or [])
        return set(needed) <= granted
