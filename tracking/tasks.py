"""Thin Celery tasks: each calls one service that re-checks state under a row lock, so a re-run
or a duplicate delivery is harmless."""

from celery import shared_task

from courier.core.metrics import timed_job


@shared_task(name="tracking.tasks.tracking_sweep", acks_late=True, reject_on_worker_lost=True)
@timed_job("tracking_sweep")
def tracking_sweep() -> dict:
    """TRK-02: the in-transit check (beat: 09:00 and 16:00 Asia/Shanghai)."""
    from dataclasses import asdict

    from tracking.services import tracking_sweep as sweep

    return asdict(sweep())


@shared_task(name="tracking.tasks.follow_up_day_report", acks_late=True, reject_on_worker_lost=True)
def follow_up_day_report() -> float | None:
    """TRK-04: the day's follow-up results to the information clerk."""
    from django.utils import timezone

    from tracking.services import follow_up_day_report_send

    return follow_up_day_report_send(timezone.localdate())["rate"]


@shared_task(name="tracking.tasks.sms_send", acks_late=True, reject_on_worker_lost=True)
def sms_send(message_id: int) -> bool:
    from tracking.services import sms_deliver

    return sms_deliver(message_id)


@shared_task(name="tracking.tasks.sms_dispatch", acks_late=True, reject_on_worker_lost=True)
def sms_dispatch() -> int:
    """The SMS outbox: sends messages still queued (the broker was down, a worker lost one)."""
    from tracking.services import sms_dispatch_due

    return sms_dispatch_due()


@shared_task(name="tracking.tasks.returns_to_stations_report", acks_late=True)
def returns_to_stations_report() -> int:
    """TRK-07: the returns issued to stations (beat: Mon/Wed/Fri); returns the run's id."""
    from tracking.services import returns_to_stations_report as run

    return run(job="tracking-report-returns-to-stations").pk


@shared_task(name="tracking.tasks.station_inventory_report", acks_late=True)
def station_inventory_report() -> int | None:
    """TRK-09: the month-end order inventory (beat: days 28-31, runs on the last one)."""
    from tracking.services import station_inventory_report as run

    result = run(job="tracking-report-station-inventory")
    return result.pk if result else None


@shared_task(name="tracking.tasks.events_archive", acks_late=True, reject_on_worker_lost=True)
def events_archive() -> dict:
    """Issue 19 item 11: nightly, the events of closed shipments past their partner's retention
    move to the archive table (batches; a re-run moves nothing twice)."""
    from dataclasses import asdict

    from tracking.services import tracking_events_archive

    return asdict(tracking_events_archive())
