"""CMP-12: the hotline's calls, imported from the phone system's call records (the answer rate
is measured from them, never typed). Format: ``docs/service-levels.md``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from complaints.models import CallRecord

from .common import ComplaintError

CALL_COLUMNS = ["call_id", "started_at", "answered_at", "caller", "extension"]
REQUIRED_COLUMNS = ["call_id", "started_at", "answered_at"]
MAX_ERRORS_SHOWN = 20


def _moment(value, tz) -> dt.datetime | None:
    """A cell as an aware moment: a datetime (Excel) or ISO 8601 text; no offset = local."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def _rows_from_csv(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ComplaintError(_("The file is not UTF-8 text."), code="invalid_file") from None
    return [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]


def _rows_from_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a damaged file
        raise ComplaintError(_("The file is not an Excel workbook."), code="invalid_file") from None
    sheet = workbook.worksheets[0]
    rows = [
        ["" if c is None else c for c in row]
        for row in sheet.iter_rows(values_only=True)
        if any(c not in (None, "") for c in row)
    ]
    workbook.close()
    return rows


def call_records_rows(content: bytes, filename: str) -> list[list]:
    if filename.lower().endswith(".xlsx"):
        return _rows_from_xlsx(content)
    return _rows_from_csv(content)


def call_records_import(*, user, content: bytes, filename: str) -> int:
    """Import a call-record export (CSV or .xlsx): all rows or none. A call id already imported
    or twice in the file, a missing or unreadable moment, or an answer before the call started
    is an error of its line; every line's error is reported together. Returns the calls
    written."""
    rows = call_records_rows(content, filename)
    if not rows:
        raise ComplaintError(_("The file has no rows."), code="invalid_file")
    header = [str(c).strip().lower() for c in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ComplaintError(
            _("Missing columns: %(cols)s") % {"cols": ", ".join(missing)}, code="invalid_file"
        )
    index = {name: header.index(name) for name in CALL_COLUMNS if name in header}
    tz = ZoneInfo(settings.TIME_ZONE)
    errors, records, seen = [], [], {}

    def cell(row, name):
        i = index.get(name)
        return row[i] if i is not None and i < len(row) else ""

    for line, row in enumerate(rows[1:], start=2):
        call_id = str(cell(row, "call_id")).strip()
        if not call_id:
            errors.append(_("Line %(line)s: the call id is empty.") % {"line": line})
            continue
        if call_id in seen:
            errors.append(
                _("Line %(line)s: call %(id)s is already on line %(first)s.")
                % {"line": line, "id": call_id, "first": seen[call_id]}
            )
            continue
        seen[call_id] = line
        try:
            started = _moment(cell(row, "started_at"), tz)
            answered = _moment(cell(row, "answered_at"), tz)
        except (TypeError, ValueError):
            errors.append(_("Line %(line)s: a time must be YYYY-MM-DD HH:MM:SS.") % {"line": line})
            continue
        if started is None:
            errors.append(_("Line %(line)s: the start time is empty.") % {"line": line})
            continue
        if answered is not None and answered < started:
            errors.append(
                _("Line %(line)s: the call was answered before it started.") % {"line": line}
            )
            continue
        records.append(
            CallRecord(
                call_id=call_id[:64],
                started_at=started,
                answered_at=answered,
                caller=str(cell(row, "caller")).strip()[:32],
                extension=str(cell(row, "extension")).strip()[:16],
                imported_by=user if getattr(user, "pk", None) else None,
                source_file=filename[:200],
            )
        )
    known = set(CallRecord.objects.filter(call_id__in=list(seen)).values_list("call_id", flat=True))
    for call_id in sorted(known, key=lambda k: seen[k]):
        errors.append(
            _("Line %(line)s: call %(id)s was imported before.")
            % {"line": seen[call_id], "id": call_id}
        )
    if errors:
        errors.sort(key=_line_of)
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(_("… and %(n)s more.") % {"n": len(errors) - MAX_ERRORS_SHOWN})
        raise ComplaintError(shown, code="invalid_rows")
    try:
        with transaction.atomic():
            CallRecord.objects.bulk_create(records, batch_size=1000)
    except IntegrityError:  # the same calls imported at the same moment by someone else
        raise ComplaintError(
            _("Some of these calls were imported meanwhile; import the file again."),
            code="duplicate",
        ) from None
    return len(records)


def _line_of(message: str) -> int:
    digits = "".join(ch for ch in str(message).split(":")[0] if ch.isdigit())
    return int(digits) if digits else 0
