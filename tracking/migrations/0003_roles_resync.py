"""Supervisors, platform supervisors and managers own the tracking rules (``tracking.manage_*``)
and, with HQ, may run stored reports (``courier.run_report``)."""

from django.db import migrations


def resync(apps, schema_editor):
    from staffing.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0002_seed_rules"),
        ("courier", "0008_report_runs"),
    ]

    operations = [migrations.RunPython(resync, migrations.RunPython.noop)]
