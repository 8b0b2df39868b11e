"""SCR-02/SCR-08: the rule catalogue, the tier table and the scoring policy, seeded as data.

Existing rows are left as ops edited them; only missing ones are added."""

# The code lives in _code_0005, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from staffing.migrations._code_0005 import seed


class Migration(migrations.Migration):
    dependencies = [("staffing", "0003_scoring"), ("staffing", "0004_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
