"""CMP-03/04/05 SLA policies and the complaint settings row, seeded as data."""

# The code lives in _code_0002, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from complaints.migrations._code_0002 import seed


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
