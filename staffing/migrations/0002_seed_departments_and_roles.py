"""ORG-01 departments and ORG-02 role groups, seeded as data."""

# The code lives in _code_0002, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from staffing.migrations._code_0002 import seed


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0001_initial"),
        ("courier", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
