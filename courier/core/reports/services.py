"""Running, reading back, exporting and purging stored report runs."""

import csv
import datetime as dt
import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.errors import StateConflict
from courier.core.models import ReportRun, ReportSettings

from .registry import report_definition

logger = logging.getLogger("courier.reports")

# A cell a spreadsheet would evaluate: written with a leading apostrophe (OWASP's advice).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value) -> str:
    """One cell as text: dates in ISO form, None as empty, formula-looking text escaped."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        text = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def report_run(name: str, *, params: dict | None = None, user=None, job: str = "") -> ReportRun:
    """Run the report ``name`` now and store the run (see the package docstring)."""
    definition = report_definition(name)
    clean = definition.parameters_clean(params)
    data_as_of = timezone.now()
    width = len(definition.columns)
    rows = []
    for row in definition.rows(**clean):
        if len(row) != width:
            raise ValueError(f"report {name}: a row has {len(row)} cells, not {width}")
        rows.append([cell_text(v) for v in row])
    header = [str(label) for _key, label in definition.columns]
    content = _csv_bytes(header, rows)
    keep_days = ReportSettings.current().keep_days
    run = ReportRun(
        report=name,
        title=str(definition.title),
        parameters={k: cell_text(v) for k, v in clean.items()},
        columns=[key for key, _label in definition.columns],
        data_as_of=data_as_of,
        row_count=len(rows),
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=user if getattr(user, "pk", None) else None,
        job=job,
        keep_until=timezone.localdate(data_as_of) + dt.timedelta(days=keep_days),
    )
    with transaction.atomic():
        run.file.save("run.csv", ContentFile(content), save=False)
        run.save()
    logger.info("report run %s: %s, %s rows", run.pk, name, run.row_count)
    return run


def report_run_rows(run: ReportRun) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a stored run, after checking the file against its SHA-256."""
    with run.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != run.sha256:
        raise StateConflict(
            _("The file of report run %(id)s does not match its checksum.") % {"id": run.pk},
            code="checksum_mismatch",
        )
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return header, rows


def report_run_xlsx(run: ReportRun) -> bytes:
    """The run as an Excel workbook: every cell a string, exactly as in the stored CSV."""
    from openpyxl import Workbook

    header, rows = report_run_rows(run)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=run.report[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_runs_purge(today: dt.date | None = None) -> int:
    """Delete the runs past their keep date, with their files. Idempotent."""
    today = today or timezone.localdate()
    removed = 0
    for run in ReportRun.objects.filter(keep_until__lt=today).order_by("pk").iterator():
        with transaction.atomic():
            name = run.file.name
            storage = run.file.storage
            run.delete()
            transaction.on_commit(lambda s=storage, n=name: s.delete(n))
        removed += 1
    return removed
