"""Issue 19 item 10, "Speed": what one public lookup costs, counted exactly (queries and rate
limit round trips), for the page and the JSON view, with and without the last 4 digits."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courier.core.api import throttling
from tracking.models import ContactLog, TrackingEvent

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-03-02", "10:00")


def _events(shipment, n=3):
    for seq in range(1, n + 1):
        TrackingEvent.objects.create(
            shipment=shipment,
            partner=shipment.partner,
            seq=seq,
            status="in_transit",
            occurred_at=NOW - dt.timedelta(hours=10 * seq),
            received_at=NOW,
            location=f"站{seq}",
            source="partner_api",
        )


@pytest.fixture
def hits(monkeypatch):
    """The rate limit's counter hits (each one Redis round trip: MULTI ... EXEC)."""
    calls = []
    real = throttling.throttle_cache.hit

    def hit(key, duration):
        calls.append((key, duration))
        return real(key, duration)

    monkeypatch.setattr(throttling.throttle_cache, "hit", hit)
    return calls


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("url", "query", "queries", "lookup"),
    [
        ("/track/api/{w}/", {}, 3, "summary"),
        ("/track/api/{w}/", {"phone_last4": "5678"}, 4, "full"),
        ("/track/api/{w}/", {"phone_last4": "0000"}, 4, "wrong_digits"),
        ("/api/v1/track/{w}/", {}, 3, "summary"),
        ("/track/", {"waybill": "{w}"}, 3, "summary"),
        ("/track/", {"waybill": "{w}", "phone_last4": "5678"}, 4, "full"),
        ("/track/api/999999999999/", {}, 3, "unknown"),
    ],
)
def test_one_lookup_costs_three_queries_and_one_rate_limit_round_trip(
    shipment, hits, url, query, queries, lookup
):
    """TRK-01 (every lookup logged as a contact), item 10: a lookup is the shipment with its
    order and the policy's limits (one query), the events (one), the contact's single INSERT
    (one, no history row), and one counter hit of the per-address rate limit; the last 4 digits
    add the waybill's recent wrong digits (one); an unknown waybill reads the policy instead of
    the events. The same counts for 3 or 30 events."""
    _events(shipment, 3)
    client = Client(REMOTE_ADDR="10.9.8.7", HTTP_ACCEPT_LANGUAGE="en")
    path = url.format(w=shipment.waybill_number)
    params = {k: v.format(w=shipment.waybill_number) for k, v in query.items()}
    client.get(path, params)  # warm: first-request work (translations, templates) not counted
    ContactLog.objects.all().delete()
    hits.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == (404 if lookup == "unknown" else 200)
    assert len(ctx.captured_queries) == queries, [q["sql"] for q in ctx.captured_queries]
    assert hits == [("trk-lookup:10.9.8.7", 60)]
    assert list(ContactLog.objects.values_list("lookup", "state", "client_address")) == [
        (lookup, "closed", "10.9.8.7")
    ]
    assert not ContactLog.history.filter(history_type="+").exists()  # the INSERT is the record

    _events_more = [
        TrackingEvent(
            shipment=shipment,
            partner=shipment.partner,
            seq=seq,
            status="in_transit",
            occurred_at=NOW - dt.timedelta(minutes=seq),
            received_at=NOW,
            source="partner_api",
        )
        for seq in range(4, 31)
    ]
    TrackingEvent.objects.bulk_create(_events_more)
    with CaptureQueriesContext(connection) as more:
        client.get(path, params)
    assert len(more.captured_queries) == queries
