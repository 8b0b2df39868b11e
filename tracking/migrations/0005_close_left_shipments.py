"""Tracking rows of shipments already recalled, returned, lost or cancelled are closed (from now
on the shipments service closes them at the transition): the sweeps stop chasing them."""

# The code lives in _code_0005, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from tracking.migrations._code_0005 import close


class Migration(migrations.Migration):
    dependencies = [("tracking", "0004_event_archive")]

    operations = [migrations.RunPython(close, migrations.RunPython.noop)]
