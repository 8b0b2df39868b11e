"""``courier.core.reports.reports_discover`` imports ``<app>.reports`` of every installed app;
for the ``courier`` app this module imports the reports of its domains (add one line per domain
that defines reports in ``courier/<domain>/reports.py``)."""

from courier.console import reports as _console_reports  # noqa: E402, F401
from courier.finance import reports as _finance_reports  # noqa: E402, F401
