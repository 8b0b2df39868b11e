"""Holiday calendar writes (STF-06)."""

from django.db import transaction

from staffing.models import Holiday
from staffing.rules.calendar import holidays_for_year


def holidays_seed(year: int) -> int:
    """Add the year's holidays and make-up working days; rows ops edited are left alone."""
    created = 0
    with transaction.atomic():
        existing = set(Holiday.objects.filter(date__year=year).values_list("date", flat=True))
        for day, kind, name, source in holidays_for_year(year):
            if day in existing:
                continue
            Holiday.objects.create(date=day, kind=kind, name=name, source=source)
            created += 1
    return created
