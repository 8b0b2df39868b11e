"""Pieces shared by the shipments domain's admin modules."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from courier.shipments.services import availability
from courier.shipments.services.shipments import route_label


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NoAddDelete:
    """Records made by the services (and the intake), never added or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def outcome_message(outcome) -> str:
    """The success message of a modification or cancellation, in words (never a route code)."""
    if availability.outcome_handed_to_aftersales(outcome):
        return _("Already shipped: handed to after-sales.")
    return _("Done (%(route)s).") % {"route": route_label(outcome.route)}


def modification_message(outcome) -> str:
    """SHP-06: a modification that changed nothing is a form error, never "done"."""
    if not outcome.applied and not availability.outcome_handed_to_aftersales(outcome):
        raise ValidationError(_("Nothing changed: change at least one field."), code="unchanged")
    return outcome_message(outcome)
