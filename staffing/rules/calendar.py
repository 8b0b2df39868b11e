"""Public holidays and make-up working days for a year (STF-06)."""

import datetime as dt

# Statutory holiday days for years the ``chinese-calendar`` package does not know yet. The State
# Council announces the bridging days and make-up working days each autumn; ops add those in the
# admin (Holiday calendar) when they are published.
STATUTORY_FALLBACK = {
    2027: [
        ("2027-01-01", "New Year's Day"),
        ("2027-02-05", "Spring Festival"),
        ("2027-02-06", "Spring Festival"),
        ("2027-02-07", "Spring Festival"),
        ("2027-02-08", "Spring Festival"),
        ("2027-04-05", "Tomb-sweeping Day"),
        ("2027-05-01", "Labour Day"),
        ("2027-05-02", "Labour Day"),
        ("2027-06-09", "Dragon Boat Festival"),
        ("2027-09-15", "Mid-autumn Festival"),
        ("2027-10-01", "National Day"),
        ("2027-10-02", "National Day"),
        ("2027-10-03", "National Day"),
    ],
}


def holidays_for_year(year: int) -> list[tuple[dt.date, str, str, str]]:
    """(date, kind, name, source) rows: ``kind`` is ``holiday`` or ``workday`` (make-up day)."""
    from chinese_calendar.constants import holidays, workdays

    rows = [
        (day, "holiday", str(name), "chinese-calendar")
        for day, name in holidays.items()
        if day.year == year
    ]
    rows += [
        (day, "workday", str(name), "chinese-calendar")
        for day, name in workdays.items()
        if day.year == year
    ]
    if not rows:
        rows = [
            (dt.date.fromisoformat(day), "holiday", name, "statutory")
            for day, name in STATUTORY_FALLBACK.get(year, [])
        ]
    return sorted(rows)
