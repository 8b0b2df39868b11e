"""Celery tasks of the 100-point scoring (found by ``autodiscover_tasks(related_name=...)``)."""

from celery import shared_task


@shared_task(name="staffing.tasks_scoring.settlements_due")
def settlements_due() -> dict:
    """SCR-04: daily; computes the sheet of the score period the next payday closes (payday to
    the day before the next payday) for each department, from the day before payday."""
    from staffing.services.settlement import settlements_due_run

    return settlements_due_run()
