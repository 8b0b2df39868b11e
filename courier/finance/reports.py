"""Reports of the finance domain, stored by the platform's mechanism (``courier.core.reports``).
Imported by ``courier/reports.py`` (the lead adds ``from courier.finance import reports``) and by
``courier.finance.services.exports`` before it runs one."""

from django.utils.translation import gettext_lazy as _

from courier.core.reports import report_register
from courier.finance import selectors
from courier.finance.models import Statement


@report_register(
    "finance.statement",
    title=_("Statement of account"),
    columns=[
        ("line", _("Line")),
        ("waybill_number", _("Waybill")),
        ("description", _("Description")),
        ("weight_kg", _("Weight (kg)")),
        ("amount", _("Amount")),
        ("answer", _("Answer")),
    ],
    parameters={"statement": "int"},
    readers=("finance", "manager", "hq"),
)
def statement_lines(*, statement=None):
    """FIN-03: the lines of one statement (by id), as issued."""
    if statement is None:
        return []
    return selectors.statement_rows(Statement.objects.get(pk=statement))


@report_register(
    "finance.receivables_ageing",
    title=_("Receivables ageing"),
    columns=[("partner", _("Partner")), ("bucket", _("Days overdue")), ("amount", _("Amount"))],
    parameters={"as_of": "date"},
    readers=("finance", "manager", "hq"),
)
def receivables_ageing(*, as_of=None):
    """FIN-03/07: open receivables per partner and ageing bucket."""
    rows = []
    for row in selectors.receivables_ageing(as_of):
        for bucket in selectors.ageing_bucket_names():
            if bucket in row["buckets"]:
                rows.append((row["partner"].code, bucket, row["buckets"][bucket]))
    return rows
