# The code of complaints.migrations.0002_seed_sla_policies, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""CMP-03/04/05 SLA policies and the complaint settings row, seeded as data."""


POLICIES = [
    ("complaint", "major", 30, False, 240, False, "CMP-03 (000 12.B.2)"),
    ("complaint", "ordinary", None, False, 720, False, "CMP-04 (000 12.B.2)"),
    ("problem", "ordinary", 5, False, None, False, "CMP-05 (001)"),
    ("problem", "major", 5, False, 240, False, "CMP-05 (001) + CMP-03"),
    ("business_complaint", "ordinary", None, True, None, False, "CMP-05 (001)"),
    ("business_complaint", "major", 30, False, 240, False, "CMP-05 (001) + CMP-03"),
]


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    ComplaintSettings = apps.get_model("complaints", "ComplaintSettings")
    for kind, severity, rmin, rday, smin, sday, source in POLICIES:
        SlaPolicy.objects.get_or_create(
            kind=kind,
            severity=severity,
            defaults={
                "response_minutes": rmin,
                "response_same_day": rday,
                "resolution_minutes": smin,
                "resolution_same_day": sday,
                "source": source,
            },
        )
    ComplaintSettings.objects.get_or_create(pk=1)
