"""Admin of the complaints app, one module per concern."""

from . import complaints, incidents, other  # noqa: F401
