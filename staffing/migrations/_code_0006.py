# The code of staffing.migrations.0006_seed_staffing_defaults, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""STF-01 shift types, leave types (LEV-02, LEV-03), the staffing policy numbers (STF-07, STF-09,
ATT-02) and the holiday calendar of this year and next (STF-06), seeded as editable rows."""

import datetime as dt

SHIFTS = [
    ("cs-early", "客服早班", "CS early", False, [("09:00", "11:30"), ("12:30", "18:30")]),
    ("cs-late", "客服晚班", "CS late", True, [("13:00", "17:30"), ("18:30", "23:30")]),
    (
        "printing-early",
        "打单早班",
        "Printing early",
        False,
        [("09:00", "11:30"), ("12:30", "18:30")],
    ),
]

LEAVE_TYPES = [
    # code, name, English name, notice hours before the shift, needs a covering colleague
    ("personal", "事假", "Personal leave", 24, True),
    ("emergency", "紧急事假", "Emergency leave", 2, False),
    ("sick", "病假", "Sick leave", 0, False),
    ("annual", "年假", "Annual leave", 24, False),
]


def seed(apps, schema_editor):
    from staffing.rules.calendar import holidays_for_year

    StaffingPolicy = apps.get_model("staffing", "StaffingPolicy")
    ShiftType = apps.get_model("staffing", "ShiftType")
    ShiftSession = apps.get_model("staffing", "ShiftSession")
    LeaveType = apps.get_model("staffing", "LeaveType")
    Holiday = apps.get_model("staffing", "Holiday")
    if not StaffingPolicy.objects.exists():
        StaffingPolicy.objects.create()
    for code, name, name_en, is_late, sessions in SHIFTS:
        shift, created = ShiftType.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "is_late": is_late}
        )
        if created:
            for order, (start, end) in enumerate(sessions, start=1):
                ShiftSession.objects.create(
                    shift_type=shift,
                    order=order,
                    start=dt.time.fromisoformat(start),
                    end=dt.time.fromisoformat(end),
                )
    for code, name, name_en, hours, cover in LEAVE_TYPES:
        LeaveType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "notice_hours": hours,
                "needs_cover": cover,
            },
        )
    year = dt.date.today().year
    for y in (year, year + 1):
        for day, kind, name, source in holidays_for_year(y):
            Holiday.objects.get_or_create(
                date=day, defaults={"kind": kind, "name": name, "source": source}
            )
