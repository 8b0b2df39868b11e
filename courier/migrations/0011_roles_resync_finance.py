"""Finance keeps fee schedules, ledgers and statements (``courier.manage_finance``); the manager
approves credit assessments and dispute outcomes (``courier.approve_finance``)."""

from django.db import migrations


def resync(apps, schema_editor):
    from staffing.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("courier", "0010_finance_seed"),
        ("tracking", "0003_roles_resync"),
    ]

    operations = [migrations.RunPython(resync, migrations.RunPython.noop)]
