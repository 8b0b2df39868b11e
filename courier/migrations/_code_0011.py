# The code of courier.migrations.0011_roles_resync_finance, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""Finance keeps fee schedules, ledgers and statements (``courier.manage_finance``); the manager
approves credit assessments and dispute outcomes (``courier.approve_finance``)."""


def resync(apps, schema_editor):
    from staffing.roles import roles_sync

    roles_sync(apps)
