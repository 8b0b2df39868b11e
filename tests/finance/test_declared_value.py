"""FIN-01: the declared value taken at intake (API and admin) prices the insurance line of the
shipment's fee snapshot.

Worked example (checked by hand), the contract of ``tests.finance.factories.contract``: road
华东 → 华南, a 3.2 kg parcel of 0.024 m³ (24,000 cm³ ÷ 6000 = 4.0 kg chargeable): freight
8.00 + ⌈(4.0 − 1) ÷ 0.5⌉ = 6 × 1.50 = 17.00; insurance 3‰ with a minimum of 1.00 and a cap of
1,000.00: a declared 2,000 yuan × 3 ÷ 1000 = 6.00 (above the minimum); a declared 200 yuan × 3
÷ 1000 = 0.60, raised to the minimum 1.00.
"""

import json
from decimal import Decimal as D

import pytest

from courier.finance.models import ShipmentFeeLine
from courier.finance.services import fees
from courier.shipments.models import Order
from tests.courier.api.test_shipments_api import body
from tests.courier.factories import intake
from tests.courier.test_shipments_admin import _intake_post
from tests.factories import UserFactory
from tests.finance.factories import contract

pytestmark = pytest.mark.django_db

ROAD = {
    "transport_mode": "road",
    "weight_kg": "3.2",
    "volume_m3": "0.024",
    "sender_province": "上海市",
    "recipient_province": "广东省",
}


def _lines(shipment) -> list[tuple[str, D]]:
    return list(
        ShipmentFeeLine.objects.filter(shipment=shipment)
        .order_by("id")
        .values_list("kind", "amount")
    )


def test_api_intake_declared_value_prices_the_insurance_line(key_client):
    """FIN-01: POST /api/v1/shipments/ with declared_value 2000.00 keeps it on the order
    (Decimal, 2 places), and the snapshot written after the intake is freight 17.00 plus
    insurance 6.00 (2,000 × 3‰ = 6.00, above the 1.00 minimum)."""
    partner, _version = contract(account={"credit_limit": D("1000")})
    client = key_client(partner)
    response = client.post(
        "/api/v1/shipments/",
        json.dumps(body(declared_value="2000.00", **ROAD)),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    order = Order.objects.get(partner=partner, partner_ref="API-1")
    assert order.declared_value == D("2000.00")
    shipment = order.shipments.get()
    fees.shipment_fees_snapshot_due(shipment.pk)
    assert _lines(shipment) == [("freight", D("17.00")), ("insurance", D("6.00"))]
    insurance = ShipmentFeeLine.objects.get(shipment=shipment, kind="insurance")
    assert insurance.rule["declared_value"] == "2000.00"
    assert insurance.rule["rate_permille"] == "3.000"


def test_minimum_and_no_declared_value():
    """FIN-01: a declared 200 yuan is 0.60 at 3‰, raised to the 1.00 minimum; an order with no
    declared value has no insurance line (freight 17.00 only)."""
    partner, _version = contract(account={"credit_limit": D("1000")})
    small = intake(partner, partner_ref="S", declared_value=D("200"), **_decimals(ROAD))
    none = intake(partner, partner_ref="N", **_decimals(ROAD))
    fees.shipment_fees_snapshot_due(small.shipment.pk)
    fees.shipment_fees_snapshot_due(none.shipment.pk)
    assert _lines(small.shipment) == [("freight", D("17.00")), ("insurance", D("1.00"))]
    assert _lines(none.shipment) == [("freight", D("17.00"))]


def _decimals(data: dict) -> dict:
    return {k: D(v) if k in ("weight_kg", "volume_m3") else v for k, v in data.items()}


@pytest.mark.parametrize("value", ["-1", "12.345", "abc", "12345678901.00"])
def test_api_bad_declared_value_is_a_400_naming_the_field(key_client, value):
    """FIN-01 bad input: a negative, over-precise, non-numeric or absurd (over 10 digits of
    yuan) declared value → 400 naming declared_value; nothing saved."""
    client = key_client()
    response = client.post(
        "/api/v1/shipments/",
        json.dumps(body(declared_value=value)),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert "declared_value" in response.json()["details"]
    assert not Order.objects.exists()


def test_admin_intake_takes_the_declared_value(client):
    """FIN-01: the admin's order intake has the declared value; 2000 is stored as 2000.00 and a
    negative one is a form error with nothing saved."""
    from tests.factories import PartnerFactory

    client.force_login(UserFactory(is_superuser=True))
    partner = PartnerFactory()
    bad = client.post(
        "/admin/courier/order/add/", _intake_post(partner=partner.pk, declared_value="-5")
    )
    assert bad.status_code == 200
    assert "declared_value" in bad.context["adminform"].form.errors
    assert not Order.objects.exists()
    response = client.post(
        "/admin/courier/order/add/", _intake_post(partner=partner.pk, declared_value="2000")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Order.objects.get(partner_ref="ADM-1").declared_value == D("2000.00")
