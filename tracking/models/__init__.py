"""Models of the tracking app (one module per concern)."""

from tracking.models.archive import AnyTrackingEvent, ArchivedTrackingEvent, EventRetention
from tracking.models.events import (
    EventSource,
    ShipmentTracking,
    StatusMapping,
    SubStatus,
    TrackingEvent,
    TrackingStatus,
)
from tracking.models.policy import SmsMessage, SmsTemplate, TrackingPolicy
from tracking.models.work import (
    COMPLAINT_CHANNEL,
    Attitude,
    ChaseReply,
    ContactChannel,
    ContactKind,
    ContactLog,
    FollowUpTask,
    GoodsCondition,
    Outcome,
    Reason,
)

__all__ = [
    "AnyTrackingEvent",
    "ArchivedTrackingEvent",
    "EventRetention",
    "COMPLAINT_CHANNEL",
    "Attitude",
    "ChaseReply",
    "ContactChannel",
    "ContactKind",
    "ContactLog",
    "EventSource",
    "FollowUpTask",
    "GoodsCondition",
    "Outcome",
    "Reason",
    "ShipmentTracking",
    "SmsMessage",
    "SmsTemplate",
    "StatusMapping",
    "SubStatus",
    "TrackingEvent",
    "TrackingPolicy",
    "TrackingStatus",
]
