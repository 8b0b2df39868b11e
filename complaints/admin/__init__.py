"""Admin of the complaints app, one module per concern."""

from . import aftersales, complaints, incidents, other  # noqa: F401
