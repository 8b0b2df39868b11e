"""Item 10: the public lookup at ``GET /api/v1/track/{waybill}/``, the one reviewed exemption
from the partner-scoped API (``PUBLIC_ENDPOINTS`` in ``tests/api_registry.py``)."""

import pytest
import time_machine
from django.test import Client
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator

from courier.core.api.public import PublicAPIView
from tests import api_registry
from tests.courier.api.matrix import _walk, partner_views_not_on_base
from tracking.models import ContactLog, TrackingPolicy

from .test_contacts_lookup import NOW, _events

pytestmark = pytest.mark.django_db


@time_machine.travel(NOW, tick=False)
def test_api_v1_track_answers_without_a_key_exactly_like_track_api(shipment):
    """TRK-01: /api/v1/track/{waybill}/ is the same view as /track/api/<waybill>/: the same
    masked answers without login, the full list with the last 4 digits, the same errors, and
    every lookup logged as a contact."""
    _events(shipment)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for query in ({}, {"phone_last4": "5678"}, {"phone_last4": "0000"}):
        new = client.get(f"/api/v1/track/{shipment.waybill_number}/", query)
        old = client.get(f"/track/api/{shipment.waybill_number}/", query)
        assert new.status_code == old.status_code == 200
        assert new.json() == old.json()
        assert "no-store" in new["Cache-Control"]
    body = client.get(f"/api/v1/track/{shipment.waybill_number}/").json()
    assert (body["recipient_name"], body["recipient_phone"], body["events"]) == (
        "张*",
        "138********",
        None,
    )
    # a partner key is neither needed nor looked at
    keyed = client.get(
        f"/api/v1/track/{shipment.waybill_number}/", HTTP_AUTHORIZATION="Bearer nonsense"
    )
    assert keyed.status_code == 200
    assert client.get("/api/v1/track/999999999999/").json() == {
        "code": "not_found",
        "message": "No shipment has this waybill number.",
        "details": {},
    }
    bad = client.get(f"/api/v1/track/{shipment.waybill_number}/", {"phone_last4": "56"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")
    assert client.get("/api/v1/track/bad!%00/").status_code == 404  # no lookup, nothing logged
    assert client.post(f"/api/v1/track/{shipment.waybill_number}/").status_code == 405
    assert ContactLog.objects.filter(lookup="full").count() == 2
    assert ContactLog.objects.count() == 9  # 6 + the two summaries + the unknown waybill


@time_machine.travel(NOW, tick=False)
def test_api_v1_track_is_rate_limited_per_client_address(shipment):
    """TRK-01: the lookup's own limit per client address applies on /api/v1/ too (429 with
    Retry-After), shared with /track/api/."""
    TrackingPolicy.objects.filter(pk=1).update(lookup_per_minute=3)
    one = Client(REMOTE_ADDR="10.0.0.9")
    codes = [one.get(f"/api/v1/track/{shipment.waybill_number}/").status_code for _ in range(2)]
    codes.append(one.get(f"/track/api/{shipment.waybill_number}/").status_code)
    limited = one.get(f"/api/v1/track/{shipment.waybill_number}/")
    assert codes + [limited.status_code] == [200, 200, 200, 429]
    assert (limited.json()["code"], limited["Retry-After"]) == ("throttled", "60")


def test_the_public_endpoint_is_in_the_schema_without_security():
    """TRK-01: the schema documents the public operation with ``security: []``, its 200 body,
    400/404/429 errors; the legacy /track/api/ mount is not in the partner schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/track/{waybill}/"]["get"]
    assert op["security"] == []
    assert {"200", "400", "404", "429"} <= set(op["responses"])
    assert "401" not in op["responses"] and "403" not in op["responses"]
    assert op["operationId"] == "track_lookup"
    assert not [p for p in schema["paths"] if p.startswith("/track/")]
    assert set(schema["paths"]["/api/v1/track/{waybill}/"]) == {"get"}


def test_nothing_else_under_api_v1_is_public():
    """API-03: the allow-list names exactly the public views mounted under /api/v1/, each a
    ``PublicAPIView`` with its reason; a public view anywhere else, or a partner view on the
    list, is reported; every other view is on the partner base."""
    mounted = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        cls = getattr(pattern.callback, "view_class", None) or getattr(
            pattern.callback, "cls", None
        )
        if cls is not None and issubclass(cls, PublicAPIView):
            mounted.setdefault(f"{cls.__module__}.{cls.__qualname__}", []).append(route)
    listed = {e.view for e in api_registry.PUBLIC_ENDPOINTS}
    assert set(mounted) - {"tracking.api.public.LegacyTrackLookupView"} == listed
    assert mounted["tracking.api.public.TrackLookupView"] == ["api/v1/track/<str:waybill>/"]
    assert mounted["tracking.api.public.LegacyTrackLookupView"] == ["track/api/<str:waybill>/"]
    for entry in api_registry.PUBLIC_ENDPOINTS:
        assert entry.reason and entry.methods == ("get",)
    assert partner_views_not_on_base(prefix="api/v1/") == []
    from tracking.api.views import TrackingEventBatchView

    assert not api_registry.public_view_allowed(TrackingEventBatchView)

    class Rogue(PublicAPIView):
        public_reason = "not on the list"

        def get(self, request):
            return None

    assert not api_registry.public_view_allowed(Rogue)
    with pytest.raises(TypeError, match="must say why"):

        class Silent(PublicAPIView):
            def get(self, request):
                return None

    with pytest.raises(TypeError, match="only reads"):

        class Writer(PublicAPIView):
            public_reason = "x"

            def post(self, request):
                return None
