"""Thin Celery tasks: each calls a service that re-checks state, so a re-run is harmless."""

from celery import shared_task

from courier.core.metrics import timed_job


@shared_task(name="complaints.tasks.complaints_sla_sweep")
@timed_job("complaints_sla_sweep")
def complaints_sla_sweep() -> dict:
    """Beat sends it every 2 s (issue 14: escalation within 5 s of its deadline) to the default
    queue; it has no fixed route, so a caller may
    target any worker's queue (``complaints_sla_sweep.apply_async(queue=...)``)."""
    from complaints.services import sla_sweep

    return sla_sweep()


@shared_task(name="complaints.tasks.complaints_score_postings_retry")
def complaints_score_postings_retry() -> int:
    from complaints.services import score_postings_retry

    return score_postings_retry()


@shared_task(name="complaints.tasks.complaint_solution_mail")
def complaint_solution_mail(complaint_id: int) -> bool:
    from complaints.services.mail import solution_mail_send

    return solution_mail_send(complaint_id)


@shared_task(name="complaints.tasks.survey_mail")
def survey_mail(survey_id: int) -> bool:
    from complaints.services.mail import survey_mail_send

    return survey_mail_send(survey_id)


@shared_task(name="complaints.tasks.customer_mails_dispatch")
def customer_mails_dispatch() -> dict:
    from complaints.services.mail import customer_mails_dispatch_due

    return customer_mails_dispatch_due()
