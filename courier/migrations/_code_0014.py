# The code of courier.migrations.0014_roles_least_privilege, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""Issue 12 item 1, least privilege as data: the role groups are re-synced from the role × model
matrix (``staffing/role_matrix.py``): rules and policies editable by the manager only (SLA
policies and complaint settings by HQ too), people's private records seen only up the supervisor
line; a partner's data retention is set with ``courier.set_partner_retention`` (the manager's)."""


def resync(apps, schema_editor):
    from staffing.roles import roles_sync

    roles_sync(apps)
