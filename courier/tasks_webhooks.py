"""Celery tasks of the partner API: webhook delivery and the sweeps (thin; services do the work)."""

from celery import shared_task


@shared_task(name="courier.tasks_webhooks.webhook_deliver")
def webhook_deliver(delivery_id: int) -> str:
    from courier.services.webhooks import webhook_delivery_attempt

    return webhook_delivery_attempt(delivery_id)


@shared_task(name="courier.tasks_webhooks.webhook_deliveries_dispatch")
def webhook_deliveries_dispatch() -> int:
    from courier.services.webhooks import webhook_deliveries_dispatch_due

    return webhook_deliveries_dispatch_due()


@shared_task(name="courier.tasks_webhooks.idempotency_records_purge")
def idempotency_records_purge() -> int:
    from courier.api.idempotency import idempotency_records_purge as purge

    return purge()
