"""Admin of the staffing app, one module per concern; each module adds its own import line."""

from . import (
    accounts,  # noqa: F401
    people,  # noqa: F401
    requests,  # noqa: F401
    scoring,  # noqa: F401
    shifts,  # noqa: F401
)
