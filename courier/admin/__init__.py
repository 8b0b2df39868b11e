"""Django's admin autodiscovery imports this module: it registers the platform's and the
shipments domain's admin classes."""

from courier.core import admin as _core_admin  # noqa: F401
from courier.finance import admin as _finance_admin  # noqa: F401
from courier.shipments import admin as _shipments_admin  # noqa: F401
