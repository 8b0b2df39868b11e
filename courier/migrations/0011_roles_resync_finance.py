"""Finance keeps fee schedules, ledgers and statements (``courier.manage_finance``); the manager
approves credit assessments and dispute outcomes (``courier.approve_finance``)."""

# The code lives in _code_0011, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from courier.migrations._code_0011 import resync


class Migration(migrations.Migration):
    dependencies = [
        ("courier", "0010_finance_seed"),
        ("tracking", "0003_roles_resync"),
    ]

    operations = [migrations.RunPython(resync, migrations.RunPython.noop)]
