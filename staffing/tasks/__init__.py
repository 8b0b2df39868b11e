"""Celery tasks of the staffing app (found by ``autodiscover_tasks``): one module per concern."""

from .scoring import *  # noqa: F403
from .staff import *  # noqa: F403
