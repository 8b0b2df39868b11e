"""Autocomplete pickers for people who fill a form but may not browse the list it picks from.

Django's autocomplete view asks the *picked* model's admin for view permission. An agent who
re-assigns a complaint to a colleague may change complaints but not read the employee records
(their wages are private, ORG-03), so the plain autocomplete answers 403 and the form falls back
to a long ``<select>``. ``PickerAccessMixin`` on the picked model's admin lets an autocomplete
request through when the person may add or change the *source* model and the source field is
one of its admin's ``autocomplete_fields``: the answer is the same names (``str(obj)``) a plain
select would have listed for them, nothing more, and the list, change and history pages stay
closed.
"""

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist


class PickerAccessMixin:
    """For the admin of a model that other forms pick (``picker_filter``: which rows a picker
    offers, e.g. only active people)."""

    picker_filter: dict = {}

    def picker_request(self, request) -> bool:
        """Whether ``request`` is an admin autocomplete for a field pointing at this model, from a
        form this person may fill."""
        cache = "_picker_request_" + self.model._meta.label_lower
        if hasattr(request, cache):
            return getattr(request, cache)
        allowed = False
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            allowed = self._source_form_fillable(request)
        setattr(request, cache, allowed)
        return allowed

    def _source_form_fillable(self, request) -> bool:
        try:
            source_model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
            field = source_model._meta.get_field(request.GET["field_name"])
        except (KeyError, LookupError, FieldDoesNotExist):
            return False
        if getattr(field, "related_model", None) is not self.model:
            return False
        source_admin = self.admin_site._registry.get(source_model)
        if source_admin is None or field.name not in source_admin.get_autocomplete_fields(request):
            return False
        return source_admin.has_add_permission(request) or source_admin.has_change_permission(
            request
        )

    def has_view_permission(self, request, obj=None):
        if obj is None and self.picker_request(request):
            return True
        return super().has_view_permission(request, obj)

    def get_queryset(self, request):
        if self.picker_request(request):
            # The picker's rows are not narrowed by the list's scope (a supervisor line): a form
            # that may point at any colleague offers every colleague, as its select did.
            return admin.ModelAdmin.get_queryset(self, request).filter(**self.picker_filter)
        return super().get_queryset(request)
