"""FIN-03/07: a statement as an Excel workbook, and its stored export (a report run of the
platform's stored-report mechanism, when that is installed)."""

import io

from django.utils.translation import gettext as _

from courier.finance.models import Statement
from courier.finance.selectors import statement_rows


def statement_headers() -> list[str]:
    return [_("Line"), _("Waybill"), _("Description"), _("Weight (kg)"), _("Amount"), _("Answer")]


def statement_xlsx(statement: Statement) -> bytes:
    """The statement as an .xlsx file: a title row, the lines, and the total (amounts are
    numbers with two decimals, never floats converted from text)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = statement.number[:31]
    party = statement.counterparty
    sheet.append([_("Statement"), statement.number, str(party)])
    sheet.append(
        [_("Period"), statement.period_start.isoformat(), statement.period_end.isoformat()]
    )
    sheet.append(statement_headers())
    for row in statement_rows(statement):
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=5).number_format = "0.00"
    sheet.append(["", "", _("Total"), "", statement.total, ""])
    sheet.cell(row=sheet.max_row, column=5).number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def statement_export_store(statement_id: int):
    """FIN-03: store the statement's lines as an immutable report run (parameters, data as
    of, CSV file and SHA-256) and link it to the statement; once per statement (a re-run of
    the task returns the stored run)."""
    from django.db import transaction

    from courier.core.reports import report_run
    from courier.finance import reports  # noqa: F401  (registers the finance reports)

    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement_id)
        if statement.report_run_id:
            return statement.report_run
        run = report_run(
            "finance.statement", params={"statement": statement.pk}, job="finance-statement"
        )
        statement.report_run = run
        statement._history_user = None
        statement.save(update_fields=["report_run"])
        return run
