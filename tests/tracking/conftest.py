import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client

from courier.core.services.apikeys import partner_api_key_create
from tests.courier.factories import OrderFactory, ShipmentFactory
from tests.factories import PartnerFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hhmm: str = "00:00") -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(hhmm), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield


@pytest.fixture
def partner(db):
    return PartnerFactory()


@pytest.fixture
def make_shipment(partner):
    def make(state="in_transit", owner=None, **order):
        owner = owner or partner
        return ShipmentFactory(order=OrderFactory(partner=owner, **order), state=state)

    return make


@pytest.fixture
def shipment(make_shipment):
    return make_shipment()


@pytest.fixture
def api(partner):
    """A client with an events:write + shipments:read key of ``partner``."""
    _row, plain = partner_api_key_create(
        partner, name="t", scopes=["events:write", "shipments:read"]
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT_LANGUAGE="en")


def event(shipment, event_id, status, occurred_at, **extra):
    return {
        "waybill_number": shipment.waybill_number,
        "event_id": event_id,
        "status": status,
        "occurred_at": occurred_at.isoformat(),
        "location": extra.pop("location", "深圳南山站"),
        "description": extra.pop("description", ""),
        **extra,
    }
