"""Links from a figure to the rows behind it: the admin change list with the same filters the
selector used (local-field lookups and one-relation ``__in`` lookups, which the admin allows)."""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse


def _value(value) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def changelist(admin_name: str, **filters) -> str:
    """``changelist("complaints_complaint", state__in=[...], respond_by__lt=now)``."""
    url = reverse(f"admin:{admin_name}_changelist")
    if not filters:
        return url
    return f"{url}?{urlencode({k: _value(v) for k, v in filters.items()})}"


def change(admin_name: str, pk: int) -> str:
    return reverse(f"admin:{admin_name}_change", args=[pk])


def ids(admin_name: str, rows) -> str:
    """The change list of exactly these rows (``id__in``); an empty list shows no row."""
    pks = [r.pk for r in rows]
    return changelist(admin_name, id__in=pks or [0])
