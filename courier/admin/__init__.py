"""Admin of the courier app, one module per concern; each module adds its own import line."""

from . import aftercare, notifications, partners, shipments  # noqa: F401
from . import webhooks as _webhooks_admin  # noqa: F401,E402
