"""Models of the shipments domain. Registered with Django through ``courier.models``."""

from .claims import ClaimStatus, CompensationProposal, DeliveryException, InsuranceClaim
from .delivery import DeliveryAttempt, DeliveryAuthorisation, EvidencePhoto
from .desk import (
    PrintBatch,
    RefundTask,
    RemarkTemplate,
    StockConfirmation,
    TransportChoice,
    TransportGround,
    TransportModeRule,
)
from .followups import ParcelFollowUp, ParcelFollowUpNote
from .orders import (
    Channel,
    DispatchSettings,
    Order,
    OrderException,
    OrderLine,
    OrderRemark,
    TransportMode,
)
from .returns import RecallSlip, ReturnRequest, ReturnState, UnphotographablePart
from .shipments import DeskInstruction, Shipment, ShipmentState
from .stations import CashHandover, CounterPickup, Station, StationScan

__all__ = [
    "PrintBatch",
    "RefundTask",
    "RemarkTemplate",
    "StockConfirmation",
    "TransportChoice",
    "TransportGround",
    "TransportModeRule",
    "ClaimStatus",
    "CompensationProposal",
    "DeliveryException",
    "InsuranceClaim",
    "DeliveryAttempt",
    "DeliveryAuthorisation",
    "EvidencePhoto",
    "ParcelFollowUp",
    "ParcelFollowUpNote",
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
    "UnphotographablePart",
    "DeskInstruction",
    "Shipment",
    "ShipmentState",
    "CashHandover",
    "CounterPickup",
    "Station",
    "StationScan",
]
