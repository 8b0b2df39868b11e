"""Celery's ``autodiscover_tasks`` imports ``<app>.tasks``: this registers the tasks of the
``courier`` app's platform and shipments domain, which live beside their services."""

from courier.console.tasks import *  # noqa: F403
from courier.core.tasks import *  # noqa: F403
from courier.finance.tasks import *  # noqa: F403
from courier.shipments.tasks import *  # noqa: F403
