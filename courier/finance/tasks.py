"""Celery tasks of the finance domain: thin, named, by id; each calls one service."""

from celery import shared_task

__all__ = ["statement_export", "statements_build_due"]

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
