"""The registry of reports: a name, a title, its columns, its parameters and its rows."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from courier.core.errors import InvalidInput, NotFound

PARAMETER_TYPES = ("date", "int", "str")


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: object
    columns: tuple[tuple[str, object], ...]
    rows: Callable[..., Iterable[Sequence]]
    parameters: dict[str, str] = field(default_factory=dict)

    def parameters_clean(self, raw: dict | None) -> dict:
        """The given parameters as the report's function takes them. Unknown names and values
        not of the declared type are refused, naming the parameter."""
        raw = dict(raw or {})
        unknown = sorted(set(raw) - set(self.parameters))
        if unknown:
            raise InvalidInput(
                _("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)},
                code="unknown_parameter",
            )
        clean = {}
        for name, kind in self.parameters.items():
            value = raw.get(name)
            if value in (None, ""):
                continue
            try:
                if kind == "date":
                    clean[name] = (
                        value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
                    )
                elif kind == "int":
                    clean[name] = int(value)
                else:
                    clean[name] = str(value)
            except (TypeError, ValueError):
                raise InvalidInput(
                    _("%(name)s must be a %(kind)s.") % {"name": name, "kind": kind},
                    code="invalid_parameter",
                ) from None
        return clean


_REPORTS: dict[str, ReportDefinition] = {}


def report_register(name: str, *, title, columns, parameters: dict | None = None):
    """Register the decorated ``rows(**parameters)`` function as the report ``name``."""
    parameters = dict(parameters or {})
    bad = {k: v for k, v in parameters.items() if v not in PARAMETER_TYPES}
    if bad:
        raise ValueError(f"report {name}: parameter types must be one of {PARAMETER_TYPES}: {bad}")

    def register(rows):
        known = _REPORTS.get(name)
        if known is not None and known.rows.__qualname__ != rows.__qualname__:
            raise ValueError(f"report {name} is registered twice")
        _REPORTS[name] = ReportDefinition(name, title, tuple(columns), rows, parameters)
        return rows

    return register


def reports_discover() -> None:
    """Import ``reports.py`` of every installed app (idempotent)."""
    autodiscover_modules("reports")


def report_definition(name: str) -> ReportDefinition:
    reports_discover()
    try:
        return _REPORTS[name]
    except KeyError:
        raise NotFound(_("There is no report named %(name)s.") % {"name": name}) from None


def reports_all() -> list[ReportDefinition]:
    reports_discover()
    return sorted(_REPORTS.values(), key=lambda d: d.name)
