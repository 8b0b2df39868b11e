"""Admin of the shipments domain."""

from . import aftercare, shipments  # noqa: F401  (registers the admin classes)
