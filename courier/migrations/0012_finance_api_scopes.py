"""The finance endpoints asked for ``shipments:read``/``shipments:write`` until the scope
catalogue had ``finance:read``/``finance:write``. Every existing key that carries a shipments
scope gets the matching finance scope, so no key loses an operation it had; keys made from now
on get finance access only when it is asked for."""

# The code lives in _code_0012, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from courier.migrations._code_0012 import grant


class Migration(migrations.Migration):
    dependencies = [("courier", "0011_roles_resync_finance")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
