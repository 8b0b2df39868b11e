"""STF-01 shift types, leave types (LEV-02, LEV-03), the staffing policy numbers (STF-07, STF-09,
ATT-02) and the holiday calendar of this year and next (STF-06), seeded as editable rows."""

# The code lives in _code_0006, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from staffing.migrations._code_0006 import seed


class Migration(migrations.Migration):
    dependencies = [("staffing", "0004_initial"), ("staffing", "0005_seed_scoring_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
