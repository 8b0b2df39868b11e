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
    # The groups whose members read the report's runs (and are sent the scheduled ones); empty:
    # anyone who may view report runs.
    readers: tuple[str, ...] = ()

    def readable_by(self, user) -> bool:
        """``user`` may read this report's runs: a superuser, or anyone when the report names
        no readers, else a member of one of its readers' groups."""
        if user.is_superuser or not self.readers:
            return True
        return user.groups.filter(name__in=self.readers).exists()

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


def report_register(
    name: str, *, title, columns, parameters: dict | None = None, readers: tuple[str, ...] = ()
):
    """Register the decorated ``rows(**parameters)`` function as the report ``name``; only the
    ``readers`` groups (when given) read its runs."""
    parameters = dict(parameters or {})
    bad = {k: v for k, v in parameters.items() if v not in PARAMETER_TYPES}
    if bad:
        raise ValueError(f"report {name}: parameter types must be one of {PARAMETER_TYPES}: {bad}")

    def register(rows):
        known = _REPORTS.get(name)
        if known is not None and known.rows.__qualname__ != rows.__qualname__:
            raise ValueError(f"report {name} is registered twice")
        _REPORTS[name] = ReportDefinition(
            name, title, tuple(columns), rows, parameters, tuple(readers)
        )
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


def reports_readable(user) -> list[ReportDefinition]:
    """The reports whose runs ``user`` reads (one query for the user's groups)."""
    if user.is_superuser:
        return reports_all()
    groups = set(user.groups.values_list("name", flat=True))
    return [d for d in reports_all() if not d.readers or groups & set(d.readers)]


def report_runs_readable(user, runs):
    """``runs`` (a ReportRun queryset) narrowed to the reports ``user`` reads; a run of a
    report no longer registered is the superuser's only."""
    if user.is_superuser:
        return runs
    return runs.filter(report__in=[d.name for d in reports_readable(user)])
