"""Admin of the shipments domain, one module per concern."""

from . import aftercare, desk, dispatch, orders, shipments  # noqa: F401  (registers the admin classes)
