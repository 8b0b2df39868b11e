"""Seed the tracking rules with their documented defaults (TRK-02..05, TRK-10, lookup), a
Kuaidi100-style code table, the SMS templates, the feed user, and the roles' permissions."""

# The code lives in _code_0002, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from tracking.migrations._code_0002 import seed


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0001_initial"),
        ("staffing", "0002_seed_departments_and_roles"),
        ("courier", "0005_shipments_permissions_and_settings"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
