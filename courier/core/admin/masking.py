"""Personal data masked by role in the admin (ORG-03, GB/T 41833-2022; ``courier.core.masking``).

A ``ModelAdmin`` (or inline) mixes in ``PersonalDataAdminMixin`` and names its personal fields
with their kind::

    personal_fields = {"recipient_name": NAME, "recipient_phone": PHONE,
                       "recipient_address": ADDRESS}

Then, for everyone, whatever the role:

- the change list shows those fields masked (a list is for finding, not for working a case);
- the history page (simple-history's "History") shows them masked in its "Changes" column;
- the change page and a historical version's page show them masked (read-only, so a masked
  value is never saved back), unless the person may see them: the permission
  ``courier.reveal_personal_data`` *and* the object-level need the admin states in
  ``personal_data_needed(request, obj)`` (by default none: override it, e.g. "the complaint is
  assigned to me"). Each such page records the reveal (who, which object, which fields, which
  view, when; never the value).

A print view asks ``personal_data_for(request, obj, fields, view="print",
permission=PRINT_PERMISSION)`` for the values it shows: full for the printing desk (and
recorded), masked for everyone else.

The field names a masked page shows are ``masked_<field>`` display functions generated per admin
instance; the real field is dropped from the form, so the masked text can never be posted back.
"""

from __future__ import annotations

import dataclasses
import types

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

from courier.core import masking
from courier.core.services.privacy import personal_data_reveal_record

MASKED_PREFIX = "masked_"


def _attr_path(obj, name: str):
    for part in name.split("__"):
        obj = getattr(obj, part, None) if obj is not None else None
    return obj


class PersonalDataAdminMixin:
    personal_fields: dict[str, str] = {}

    # The methods wrapped on each instance, so an admin's own ``get_readonly_fields`` (or
    # ``get_fieldsets``, ...) is masked too, wherever it sits in the class hierarchy.
    _WRAPPED = (
        "get_list_display",
        "get_list_display_links",
        "get_fieldsets",
        "get_readonly_fields",
        "get_historical_record_context_helper",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in self.personal_fields.items():
            setattr(self, MASKED_PREFIX + name, self._masked_display(name, kind))
        for method in self._WRAPPED:
            original = getattr(self, method, None)
            if original is not None:
                setattr(self, method, self._wrap(getattr(self, f"_mask_{method}"), original))

    def _wrap(self, masker, original):
        def wrapped(_self, *args, **kwargs):
            return masker(original, *args, **kwargs)

        return types.MethodType(wrapped, self)  # a bound method, as Django's checks expect

    def _masked_display(self, name: str, kind: str):
        try:
            label = capfirst(self.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name

        def display(obj):
            return masking.mask(kind, _attr_path(obj, name))

        display.short_description = label
        display.admin_order_field = name
        return display

    # --- the decision ---------------------------------------------------------------------------
    def personal_data_needed(self, request, obj) -> bool:
        """The object-level need (the role's permission is checked separately). Override."""
        return False

    def personal_data_revealed(self, request, obj) -> bool:
        if obj is None:  # the add page: the person types the data in
            return True
        return masking.may_reveal(request.user) and bool(self.personal_data_needed(request, obj))

    def _personal_view(self, request) -> str:
        match = getattr(request, "resolver_match", None)
        name = getattr(match, "url_name", "") or ""
        if name.endswith("_simple_history"):
            return "history"
        return name.rsplit("_", 1)[-1] or "change"

    def _personal_decision(self, request, obj) -> bool:
        """Decide once per request and object; record a reveal once."""
        if obj is None:
            return True
        cache = request.__dict__.setdefault("_personal_data_decisions", {})
        key = (type(self).__name__, obj._meta.label_lower, obj.pk)
        if key not in cache:
            revealed = self.personal_data_revealed(request, obj)
            cache[key] = revealed
            if revealed and request.method in ("GET", "HEAD"):
                personal_data_reveal_record(
                    request.user, obj, self.personal_fields, view=self._personal_view(request)
                )
        return cache[key]

    def _masked_names(self, names, masked: bool) -> list:
        if not masked:
            return list(names)
        out = []
        for name in names:
            if isinstance(name, str) and name in self.personal_fields:
                name = MASKED_PREFIX + name
            if name not in out:
                out.append(name)
        return out

    # --- change list ----------------------------------------------------------------------------
    def _mask_get_list_display(self, original, request):
        return self._masked_names(original(request), True)

    def _mask_get_list_display_links(self, original, request, list_display):
        links = original(request, list_display)
        return self._masked_names(links, True) if links else links

    # --- change page, historical version page -----------------------------------------------------
    def _personal_masked(self, request, obj) -> bool:
        return obj is not None and not self._personal_decision(request, obj)

    def _mask_get_fieldsets(self, original, request, obj=None):
        fieldsets = original(request, obj)
        if not self._personal_masked(request, obj):
            return fieldsets
        out = []
        for title, options in fieldsets:
            fields = []
            for entry in options.get("fields", ()):
                if isinstance(entry, list | tuple):
                    fields.append(tuple(self._masked_names(entry, True)))
                else:
                    fields.extend(self._masked_names([entry], True))
            out.append((title, {**options, "fields": fields}))
        return out

    def _mask_get_readonly_fields(self, original, request, obj=None):
        readonly = list(original(request, obj))
        if not self._personal_masked(request, obj):
            return readonly
        masked = self._masked_names(readonly, True)
        return masked + [
            MASKED_PREFIX + name
            for name in self.personal_fields
            if MASKED_PREFIX + name not in masked
        ]

    # --- history list -----------------------------------------------------------------------------
    def _mask_get_historical_record_context_helper(self, original, request, historical_record):
        helper = original(request, historical_record)
        personal = self.personal_fields
        format_change = helper.format_delta_change

        def masked_format(change):
            if change.field in personal:
                kind = personal[change.field]
                change = dataclasses.replace(
                    change, old=masking.mask(kind, change.old), new=masking.mask(kind, change.new)
                )
            return format_change(change)

        helper.format_delta_change = masked_format
        return helper

    # --- print views ------------------------------------------------------------------------------
    def personal_data_for(self, request, obj, fields=None, **kwargs):
        return personal_values(
            request, obj, self.personal_fields if fields is None else fields, **kwargs
        )


def personal_values(
    request,
    obj,
    fields: dict[str, str],
    *,
    view: str,
    permission: str = masking.REVEAL_PERMISSION,
    needed: bool = True,
) -> tuple[dict[str, str], bool]:
    """The values of ``fields`` (name → kind; ``a__b`` follows relations) of ``obj`` as this
    person may see them on ``view``, and whether they are full. A full answer is recorded."""
    revealed = bool(needed) and masking.may_reveal(request.user, permission)
    values = {}
    for name, kind in fields.items():
        value = _attr_path(obj, name)
        if revealed:
            values[name] = "" if value is None else str(value)
        else:
            values[name] = masking.mask(kind, value)
    if revealed:
        personal_data_reveal_record(request.user, obj, fields, view=view)
    return values, revealed
