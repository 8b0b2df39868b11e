from celery import shared_task

from courier import (
    tasks_shipments,  # noqa: F401  (registers the shipments tasks)
    tasks_webhooks,  # noqa: F401  (registers the partner-API tasks)
)
from courier.services.system import heartbeat_record


@shared_task(name="courier.tasks.heartbeat_tick")
def heartbeat_tick(name: str = "beat") -> str:
    return heartbeat_record(name).last_tick.isoformat()


@shared_task(name="courier.tasks.notifications_email")
def notifications_email(ids: list[int]) -> int:
    from courier.services.notifications import notifications_email_send

    return notifications_email_send(ids)
