"""FIN-01 / SHP-11 (issue 15): the partner API answers the declared value of a shipment's order
in its create, list and detail bodies and declares it in the OpenAPI schema."""

import json

import pytest
from django.test import Client

from tests.courier.api.test_shipments_api import URL, body, post

pytestmark = pytest.mark.django_db


def test_create_list_and_detail_answer_the_declared_value(key_client):
    """FIN-01, SHP-11: a shipment created with declared_value 2000.00 answers "2000.00" (a
    string with 2 places, like every amount) in the 201 body, the list and the detail; one
    created without it answers null in all three."""
    client = key_client()
    insured = post(client, URL, body(partner_ref="INS", declared_value="2000"))
    plain = post(client, URL, body(partner_ref="NONE"))
    assert insured.status_code == plain.status_code == 201, insured.content
    assert insured.json()["declared_value"] == "2000.00"
    assert plain.json()["declared_value"] is None
    listed = {s["partner_ref"]: s for s in client.get(URL).json()["results"]}
    assert listed["INS"]["declared_value"] == "2000.00"
    assert listed["NONE"]["declared_value"] is None
    waybill = insured.json()["waybill_number"]
    detail = client.get(f"{URL}{waybill}/").json()
    assert detail["declared_value"] == "2000.00"
    assert detail == insured.json()


def test_schema_declares_the_declared_value():
    """FIN-01, API-04: the Shipment and ShipmentDetail components have a read-only,
    nullable decimal-string ``declared_value`` (the create input keeps its own)."""
    response = Client().get(URL.replace("shipments/", "schema/"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schemas = json.loads(response.content)["components"]["schemas"]
    for name in ("Shipment", "ShipmentDetail"):
        prop = schemas[name]["properties"]["declared_value"]
        assert prop["type"] == "string" and prop["format"] == "decimal", prop
        assert prop["nullable"] is True and prop["readOnly"] is True, prop
    assert "declared_value" in schemas["ShipmentCreateRequest"]["properties"]
