"""Admin of the complaints app, one module per concern."""

from . import complaints, other  # noqa: F401
