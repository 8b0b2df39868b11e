"""The documented defaults (CMP-03/04/05), created where missing; rows that exist are kept."""

from complaints.models import ComplaintSettings, SlaPolicy

# (kind, severity, response minutes, response same day, solution minutes, solution same day)
SLA_DEFAULTS = [
    ("complaint", "major", 30, False, 240, False, "CMP-03 (000 12.B.2)"),
    ("complaint", "ordinary", None, False, 720, False, "CMP-04 (000 12.B.2)"),
    ("problem", "ordinary", 5, False, None, False, "CMP-05 (001)"),
    ("problem", "major", 5, False, 240, False, "CMP-05 (001) + CMP-03"),
    ("business_complaint", "ordinary", None, True, None, False, "CMP-05 (001)"),
    ("business_complaint", "major", 30, False, 240, False, "CMP-05 (001) + CMP-03"),
]


def complaint_defaults_ensure(using: str = "default") -> int:
    created = 0
    for kind, severity, rmin, rday, smin, sday, source in SLA_DEFAULTS:
        _, new = SlaPolicy.objects.using(using).get_or_create(
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
        created += new
    ComplaintSettings.objects.using(using).get_or_create(pk=1)
    return created
