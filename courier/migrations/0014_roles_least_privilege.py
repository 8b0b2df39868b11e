"""Issue 12 item 1, least privilege as data: the role groups are re-synced from the role × model
matrix (``staffing/role_matrix.py``): rules and policies editable by the manager only (SLA
policies and complaint settings by HQ too), people's private records seen only up the supervisor
line; a partner's data retention is set with ``courier.set_partner_retention`` (the manager's)."""

# The code lives in _code_0014, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from courier.migrations._code_0014 import resync


class Migration(migrations.Migration):
    dependencies = [
        ("courier", "0013_personal_data_reveal"),
        ("complaints", "0004_field_labels"),
        ("staffing", "0008_roster_change_labels"),
        ("tracking", "0003_roles_resync"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="partner",
            options={
                "ordering": ["code"],
                "permissions": [
                    ("set_partner_retention", "Can set a partner's data retention")
                ],
                "verbose_name": "partner",
                "verbose_name_plural": "partners",
            },
        ),
        migrations.RunPython(resync, migrations.RunPython.noop),
    ]
