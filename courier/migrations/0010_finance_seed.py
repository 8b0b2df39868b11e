"""FIN-01..05 defaults, seeded as data (edited afterwards in the admin, with history).

Documented numbers (issue 15 / FIN-01): volumetric divisor 6000 across regions and 12000 within a
province; steps of 0.5 kg below 100 kg and of whole kg above; insurance 3‰ of the declared value
with a minimum of 1 yuan. Prices per lane are starting values for ops to replace; agency fees
(customs declaration, inspection, port handling) are charged as incurred. Also gives the role
groups the new models' permissions (roles_sync)."""

# The code lives in _code_0010, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from courier.migrations._code_0010 import roles, seed


class Migration(migrations.Migration):
    dependencies = [
        ("courier", "0009_initial"),
        ("staffing", "0002_seed_departments_and_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(roles, migrations.RunPython.noop),
    ]
