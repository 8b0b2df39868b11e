# The code of tracking.migrations.0003_roles_resync, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""Supervisors, platform supervisors and managers own the tracking rules (``tracking.manage_*``)
and, with HQ, may run stored reports (``courier.run_report``)."""


def resync(apps, schema_editor):
    from staffing.roles import roles_sync

    roles_sync(apps)
