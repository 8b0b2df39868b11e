"""SCR-01/SCR-04 (issue 13 point 17): score events are keyed by their score period (payday to
the day before the next payday, labelled by the month it starts in), no longer by calendar
month. Re-key the events recorded before, with their reversals and appeals, except where the old
month or the new period is already settled for the department (a frozen sheet keeps its basis).
Plain updates: the ledger's history is not rewritten. Not reversible (a no-op backwards)."""

# The code lives in _code_0013, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from staffing.migrations._code_0013 import rekey


class Migration(migrations.Migration):
    dependencies = [("staffing", "0012_settlement_reopening")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
