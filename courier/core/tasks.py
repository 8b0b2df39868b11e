"""Celery tasks of the platform: the beat heartbeat, notification mail, webhook delivery and the
outbox sweeps. Thin: each calls one service. The names are stored in beat rows; keep them."""

from celery import shared_task


@shared_task(name="courier.tasks.heartbeat_tick")
def heartbeat_tick(name: str = "beat") -> str:
    from courier.core.services.system import heartbeat_record

    return heartbeat_record(name).last_tick.isoformat()


@shared_task(name="courier.tasks.notifications_email")
def notifications_email(ids: list[int]) -> int:
    from courier.core.services.notifications import notifications_email_send

    return notifications_email_send(ids)


@shared_task(name="courier.tasks_webhooks.webhook_deliver")
def webhook_deliver(delivery_id: int) -> str:
    from courier.core.services.webhooks import webhook_delivery_attempt

    return webhook_delivery_attempt(delivery_id)


@shared_task(name="courier.tasks_webhooks.webhook_deliveries_dispatch")
def webhook_deliveries_dispatch() -> int:
    from courier.core.services.webhooks import webhook_deliveries_dispatch_due

    return webhook_deliveries_dispatch_due()


@shared_task(name="courier.tasks_webhooks.idempotency_records_purge")
def idempotency_records_purge() -> int:
    from courier.core.api.idempotency import idempotency_records_purge as purge

    return purge()


@shared_task(name="courier.tasks.sandbox_data_purge")
def sandbox_data_purge() -> int:
    from courier.core.services.sandbox import sandbox_data_purge as purge

    return sum(purge().values())


@shared_task(name="courier.reports.run")
def report_run(name: str, params: dict | None = None, job: str = "") -> int:
    """Run a stored report on schedule (kwargs from its beat row); returns the run's id."""
    from courier.core.reports import report_run as run

    return run(name, params=params, job=job or name).pk


@shared_task(name="courier.reports.purge")
def report_runs_purge() -> int:
    from courier.core.reports import report_runs_purge as purge

    return purge()


@shared_task(name="courier.tasks.notifications_email_dispatch")
def notifications_email_dispatch() -> int:
    from courier.core.services.notifications import notifications_email_dispatch_due

    return notifications_email_dispatch_due()
