"""Thin Celery tasks of the shipments domain."""

from celery import shared_task


@shared_task(name="courier.tasks_shipments.retention_anonymise")
def retention_anonymise() -> dict:
    """DLV-06 / SHP-11: nightly; idempotent (anonymised orders are skipped)."""
    from courier.shipments.services.retention import retention_anonymise as run

    return run()


@shared_task(name="courier.tasks_shipments.invalid_records_cleanup")
def invalid_records_cleanup() -> dict:
    """SHP-11: nightly; idempotent (voided waybills are no longer ``created``)."""
    from courier.shipments.services.cleanup import invalid_records_cleanup as run

    return run()
