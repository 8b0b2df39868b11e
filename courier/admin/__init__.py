"""Admin of the courier app, one module per concern; each module adds its own import line."""

from . import notifications, partners  # noqa: F401
