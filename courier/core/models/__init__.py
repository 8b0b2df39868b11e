"""Models of the platform: partners and their keys, idempotency records, notifications, webhooks,
the beat heartbeat. Registered with Django through ``courier.models``."""

from .apikeys import API_SCOPES, PartnerAPIKey
from .idempotency import IdempotencyRecord
from .notifications import Notification
from .partners import Partner
from .privacy import PersonalDataReveal
from .reports import ReportRun, ReportSettings
from .system import Heartbeat
from .webhooks import (
    WEBHOOK_EVENT_TYPES,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "API_SCOPES",
    "WEBHOOK_EVENT_TYPES",
    "Heartbeat",
    "IdempotencyRecord",
    "Notification",
    "Partner",
    "PartnerAPIKey",
    "PersonalDataReveal",
    "ReportRun",
    "ReportSettings",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
