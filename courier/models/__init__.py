"""Django finds the ``courier`` app's models here: the platform's and the shipments domain's.
Code imports them from ``courier.core.models`` or ``courier.shipments.models``."""

from courier.core.models import *  # noqa: F403
from courier.finance.models import *  # noqa: F403
from courier.shipments.models import *  # noqa: F403
