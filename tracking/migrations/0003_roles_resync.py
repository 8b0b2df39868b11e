"""Supervisors, platform supervisors and managers own the tracking rules (``tracking.manage_*``)
and, with HQ, may run stored reports (``courier.run_report``)."""

# The code lives in _code_0003, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from tracking.migrations._code_0003 import resync


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0002_seed_rules"),
        ("courier", "0008_report_runs"),
    ]

    operations = [migrations.RunPython(resync, migrations.RunPython.noop)]
