"""Admin of the staffing app, one module per concern; each module adds its own import line."""

from . import people  # noqa: F401
