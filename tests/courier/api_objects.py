"""Partner-owned objects of the shipments API for the security matrix (tests/api_registry.py)."""

from courier.shipments.models import ReturnRequest
from tests.api_registry import partner_object
from tests.courier.factories import OrderFactory, OrderLineFactory, ShipmentFactory


@partner_object("courier.Shipment", paths=["shipments/{waybill_number}"])
def shipment(partner):
    order = OrderFactory(partner=partner)
    OrderLineFactory(order=order)
    return ShipmentFactory(order=order, partner=partner, state="delivered")


@partner_object("courier.ReturnRequest", paths=["returns/{id}"])
def return_request(partner):
    original = shipment(partner)
    return ReturnRequest.objects.create(
        shipment=original, partner=partner, kind="return", reason="不合适"
    )
