"""The console's scheduled job: run a report and send it to its readers (beat rows in
``courier/periodic.py``; times editable in the admin's periodic tasks)."""

from celery import shared_task


@shared_task(name="courier.console.report_send", acks_late=True)
def report_send(name: str, params: dict | None = None, job: str = "") -> int:
    """Returns the stored run's id."""
    from courier.console.services import report_send as send

    return send(name, params=params, job=job or name).pk
