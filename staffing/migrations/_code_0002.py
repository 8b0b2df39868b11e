# The code of staffing.migrations.0002_seed_departments_and_roles, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""ORG-01 departments and ORG-02 role groups, seeded as data."""


DEPARTMENTS = [
    ("gm-office", "总经理办公室", "GM office"),
    ("hr", "人事部", "Human resources"),
    ("finance", "财务部", "Finance"),
    ("operations", "运营部", "Operations"),
    ("customer-service", "客服部", "Customer service"),
    ("customer-development", "客户发展部", "Customer development"),
]


def seed(apps, schema_editor):
    from staffing.roles import roles_sync

    Department = apps.get_model("staffing", "Department")
    for code, name, name_en in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    roles_sync(apps)
