"""Thin, idempotent Celery tasks of the staffing app; each calls one service."""

from celery import shared_task


@shared_task(name="staffing.tasks.attendance_nightly")
def attendance_nightly() -> dict:
    from staffing.services.attendance import attendance_nightly as run

    return run()


@shared_task(name="staffing.tasks.requests_expire")
def requests_expire() -> dict:
    from staffing.services.leave import leaves_expire
    from staffing.services.swaps import swaps_expire

    return {"swaps": swaps_expire(), "leaves": leaves_expire()}


@shared_task(name="staffing.tasks.holidays_seed_next_year")
def holidays_seed_next_year() -> int:
    from django.utils import timezone

    from staffing.services.calendar import holidays_seed

    year = timezone.localdate().year
    return holidays_seed(year) + holidays_seed(year + 1)
