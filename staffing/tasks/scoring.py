"""Celery tasks of the 100-point scoring (found by ``autodiscover_tasks(related_name=...)``)."""

from celery import shared_task


@shared_task(name="staffing.tasks_scoring.settlements_due")
def settlements_due() -> dict:
    """SCR-04: daily; computes last month's sheet for each department when payday is tomorrow."""
    from staffing.services.settlement import settlements_due_run

    return settlements_due_run()
