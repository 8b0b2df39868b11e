"""Celery tasks of the finance domain: thin, named, by id; each calls one service."""

from celery import shared_task

__all__ = [
    "shipment_fees_snapshot",
    "shipment_fees_snapshots_sweep",
    "statement_export",
    "statement_exports_sweep",
    "statements_build_due",
]

TASK_OPTIONS = {"acks_late": True, "task_reject_on_worker_lost": True}


@shared_task(name="courier.finance.statements_build_due", **TASK_OPTIONS)
def statements_build_due() -> int:
    """FIN-03: the statements of every period that ended yesterday (a re-run is harmless)."""
    from courier.finance.services.statements import statements_build_due as build

    return len(build())


@shared_task(name="courier.finance.statement_export", **TASK_OPTIONS)
def statement_export(statement_id: int) -> int | None:
    """FIN-03: the statement's stored export (a report run), once per statement."""
    from courier.finance.services.exports import statement_export_store

    run = statement_export_store(statement_id)
    return run.pk if run is not None else None


@shared_task(name="courier.finance.shipment_fees_snapshot", **TASK_OPTIONS)
def shipment_fees_snapshot(shipment_id: int) -> int | None:
    """FIN-01: a new shipment's fee snapshot (queued after the intake commits; a re-run returns
    the lines already written)."""
    from courier.finance.services.fees import shipment_fees_snapshot_due

    lines = shipment_fees_snapshot_due(shipment_id)
    return None if lines is None else len(lines)


@shared_task(name="courier.finance.shipment_fees_snapshots_sweep", **TASK_OPTIONS)
def shipment_fees_snapshots_sweep() -> int:
    """FIN-01: queue the snapshots the broker or a worker missed."""
    from courier.finance.services.fees import shipment_fees_snapshots_sweep as sweep

    return sweep()


@shared_task(name="courier.finance.statement_exports_sweep", **TASK_OPTIONS)
def statement_exports_sweep() -> int:
    """FIN-03: queue the stored exports the broker or a worker missed."""
    from courier.finance.services.statements import statement_exports_sweep as sweep

    return sweep()
