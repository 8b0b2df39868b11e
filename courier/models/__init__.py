"""Models of the courier app, one module per concern."""

from .notifications import Notification
from .partners import Partner
from .system import Heartbeat

__all__ = ["Heartbeat", "Notification", "Partner"]
