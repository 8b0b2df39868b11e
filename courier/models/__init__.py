"""Models of the courier app, one module per concern."""

from .apikeys import API_SCOPES, PartnerAPIKey
from .claims import ClaimStatus, CompensationProposal, DeliveryException, InsuranceClaim
from .delivery import DeliveryAttempt, DeliveryAuthorisation, EvidencePhoto
from .idempotency import IdempotencyRecord
from .notifications import Notification
from .orders import (
    Channel,
    DispatchSettings,
    Order,
    OrderException,
    OrderLine,
    OrderRemark,
    TransportMode,
)
from .partners import Partner
from .returns import RecallSlip, ReturnRequest, ReturnState
from .shipments import DeskInstruction, Shipment, ShipmentState
from .stations import CashHandover, CounterPickup, Station, StationScan
from .system import Heartbeat
from .webhooks import (
    WEBHOOK_EVENT_TYPES,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "ClaimStatus",
    "CompensationProposal",
    "DeliveryException",
    "InsuranceClaim",
    "DeliveryAttempt",
    "DeliveryAuthorisation",
    "EvidencePhoto",
    "Channel",
    "DispatchSettings",
    "Order",
    "OrderException",
    "OrderLine",
    "OrderRemark",
    "TransportMode",
    "RecallSlip",
    "ReturnRequest",
    "ReturnState",
    "DeskInstruction",
    "Shipment",
    "ShipmentState",
    "CashHandover",
    "CounterPickup",
    "Station",
    "StationScan",
    "API_SCOPES",
    "WEBHOOK_EVENT_TYPES",
    "Heartbeat",
    "IdempotencyRecord",
    "Notification",
    "Partner",
    "PartnerAPIKey",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
