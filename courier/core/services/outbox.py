"""Queueing after commit that never fails the committed request.

Every piece of work that leaves the process after a write (a notice's e-mail, a customer mail, a
webhook delivery) is first a database row written in the caller's transaction, the outbox. The
Celery task that sends it is only a shortcut: ``queue_after_commit`` queues it once the
transaction has committed, and when the broker cannot take the message (down, refused, timing
out) the failure is logged and swallowed. The row stays unsent and the periodic dispatcher of its
kind (``courier/periodic.py``) sends it later. A committed write is therefore never answered with
a 500 because of the broker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.db import transaction

logger = logging.getLogger("courier.outbox")


def queue_now(queue: Callable[[], object], *, what: str) -> bool:
    """Run ``queue`` (a function that calls ``task.delay``/``apply_async``) now; any failure is
    logged as a warning and answered ``False``: the row is left for its dispatcher."""
    try:
        queue()
    except Exception as exc:  # the broker, its client library or the network: never the caller's
        logger.warning(
            "could not queue %s (%s: %s); the periodic dispatcher will send it",
            what,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def queue_after_commit(queue: Callable[[], object], *, what: str) -> None:
    """``transaction.on_commit`` for queueing outbox work: never raises into the commit."""
    transaction.on_commit(lambda: queue_now(queue, what=what))


def task_delay_safely(task, *args, what: str = "") -> bool:
    """``task.delay(*args)`` without the broker's publish retries (the dispatcher retries), and
    without raising when the broker is unreachable."""
    label = what or f"{task.name}{args!r}"
    return queue_now(lambda: task.apply_async(args=args, retry=False), what=label)


def tasks_delay_safely(task, ids: Iterable, *, what: str = "") -> int:
    """Queue ``task(pk)`` for each id; stops at the first broker failure (the rest would fail the
    same way and wait for the dispatcher too). Returns how many were queued."""
    queued = 0
    for pk in ids:
        if not task_delay_safely(task, pk, what=what or f"{task.name}({pk})"):
            break
        queued += 1
    return queued
