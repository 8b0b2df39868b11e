"""A sandbox partner's test data (test keys, ``ck_test_``) makes no work for staff."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from courier.core.services.apikeys import partner_api_key_create
from tests.courier.factories import OrderFactory, ShipmentFactory
from tracking import services
from tracking.models import FollowUpTask

from .conftest import at, event

pytestmark = pytest.mark.django_db
NOW = at("2026-03-02", "10:00")


def _push(plain, events):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/api/v1/tracking-events/", json.dumps({"events": events}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return [r["result"] for r in response.json()["results"]]


@time_machine.travel(NOW, tick=False)
def test_sandbox_events_and_sweeps_open_no_calls_while_live_ones_do(partner):
    """TRK-02, TRK-04, TRK-05: the same failed delivery and the same stale parcel open a
    re-delivery call and a chase for the live partner, and nothing for its sandbox (a test key's
    data is stored and answered, but no agent is asked to call about it)."""
    scopes = ["events:write", "shipments:read"]
    _key, live_plain = partner_api_key_create(partner, name="live", scopes=scopes)
    test_key, test_plain = partner_api_key_create(partner, name="t", scopes=scopes, sandbox=True)
    sandbox = test_key.partner
    made = {}
    for name, owner in (("live", partner), ("sandbox", sandbox)):
        made[name] = (
            ShipmentFactory(order=OrderFactory(partner=owner), state="out_for_delivery"),
            ShipmentFactory(order=OrderFactory(partner=owner), state="in_transit"),
        )
    hour, old = dt.timedelta(hours=1), dt.timedelta(hours=30)
    for name, plain in (("live", live_plain), ("sandbox", test_plain)):
        failed, stale = made[name]
        assert _push(
            plain,
            [
                event(failed, f"{name}-f", "delivery_failed", NOW - hour, sub_status="refused"),
                event(stale, f"{name}-s", "in_transit", NOW - old),
            ],
        ) == ["accepted", "accepted"]
    services.tracking_sweep(now=NOW)
    calls = sorted(FollowUpTask.objects.values_list("shipment_id", "reason"))
    live_failed, live_stale = made["live"]
    assert calls == sorted([(live_failed.pk, "redelivery"), (live_stale.pk, "chase")])
