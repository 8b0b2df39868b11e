"""Admin of the platform (partners, keys, webhooks, notifications) and the workflow kit
(``workflow.py``) every app's admin uses for its transition buttons."""

from . import notifications, partners, privacy, reports, webhooks  # noqa: F401  (registers the admin classes)
