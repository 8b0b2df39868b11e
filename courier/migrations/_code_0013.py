# The code of courier.migrations.0013_personal_data_reveal, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""ORG-03: the record of full personal values shown, and the two permissions that allow it
(agents: what they handle; the printing desk: the labels it prints), given to the roles."""


def resync(apps, schema_editor):
    from staffing.roles import roles_sync

    roles_sync(apps)
