"""The sandbox: test keys (ck_test_...) write to the partner's sandbox partner only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from courier.core.models import Partner, WebhookEndpoint
from courier.core.services.apikeys import partner_api_key_create
from courier.core.services.sandbox import sandbox_data_purge
from courier.shipments.models import Shipment
from tests.courier.api.conftest import ALL_SCOPES
from tests.courier.factories import ShipmentFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def _client(plain):
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT_LANGUAGE="en")


def test_test_key_has_a_visible_prefix_and_sees_only_sandbox_data():
    """API-09: a test key starts with ck_test_, acts as the partner's sandbox partner
    (<CODE>-TEST), sees none of the live data, and the live key sees none of its data."""
    live = PartnerFactory(code="SHOP")
    _row, live_plain = partner_api_key_create(live, name="live", scopes=ALL_SCOPES)
    key, test_plain = partner_api_key_create(live, name="test", scopes=ALL_SCOPES, sandbox=True)
    assert test_plain.startswith("ck_test_") and not live_plain.startswith("ck_")
    sandbox = key.partner
    assert (sandbox.code, sandbox.is_sandbox, sandbox.live_partner) == ("SHOP-TEST", True, live)
    ShipmentFactory(partner=live)
    test, real = _client(test_plain), _client(live_plain)
    me = test.get("/api/v1/me/").json()
    assert me["partner"]["is_sandbox"] is True and me["key"]["prefix"].startswith("ck_test_")
    assert test.get("/api/v1/shipments/").json()["results"] == []
    made = test.post(
        "/api/v1/webhook-endpoints/", {"url": "https://h.example.com/"}, "application/json"
    )
    assert WebhookEndpoint.objects.get(pk=made.json()["id"]).partner == sandbox
    assert real.get("/api/v1/webhook-endpoints/").json()["results"] == []
    assert real.get(f"/api/v1/webhook-endpoints/{made.json()['id']}/").status_code == 404
    # a second test key joins the same sandbox
    again, _plain = partner_api_key_create(live, name="t2", scopes=ALL_SCOPES, sandbox=True)
    assert again.partner == sandbox and Partner.objects.filter(is_sandbox=True).count() == 1


def test_a_key_used_with_the_wrong_prefix_is_refused():
    """API-09: a test key without its prefix, or a live key with ck_test_, answers 401."""
    live = PartnerFactory()
    _row, live_plain = partner_api_key_create(live, name="live", scopes=ALL_SCOPES)
    _row, test_plain = partner_api_key_create(live, name="t", scopes=ALL_SCOPES, sandbox=True)
    for plain in (test_plain.removeprefix("ck_test_"), "ck_test_" + live_plain):
        response = _client(plain).get("/api/v1/me/")
        assert (response.status_code, response.json()["code"]) == (401, "invalid_key")


def test_cleanup_deletes_sandbox_data_older_than_the_editable_days():
    """API-09: the nightly cleanup deletes sandbox rows older than sandbox_keep_days (edited
    to 10 here) and keeps newer sandbox rows and every live row."""
    live = PartnerFactory()
    key, _plain = partner_api_key_create(live, name="t", scopes=ALL_SCOPES, sandbox=True)
    sandbox = key.partner
    sandbox.sandbox_keep_days = 10
    sandbox.save()
    old_sbx, new_sbx = ShipmentFactory(partner=sandbox), ShipmentFactory(partner=sandbox)
    old_live = ShipmentFactory(partner=live)
    old_endpoint = WebhookEndpoint.objects.create(partner=sandbox, url="https://h.example.com/")
    eleven_days_ago = timezone.now() - timedelta(days=11)
    for model, pks in ((Shipment, [old_sbx.pk, old_live.pk]), (WebhookEndpoint, [old_endpoint.pk])):
        for obj in model.objects.filter(pk__in=pks):
            model.objects.filter(pk=obj.pk).update(created_at=eleven_days_ago)
    deleted = sandbox_data_purge()
    assert deleted.get("courier.Shipment") == 1 and deleted.get("courier.WebhookEndpoint") == 1
    assert set(Shipment.objects.values_list("pk", flat=True)) == {new_sbx.pk, old_live.pk}
    assert Partner.objects.filter(pk=sandbox.pk).exists()
    assert key.__class__.objects.filter(pk=key.pk).exists()  # the test key keeps working


def test_staff_issue_a_test_key_in_the_admin():
    """API-09: a superuser ticks "test key" on the key form: the key shown once starts with
    ck_test_, belongs to the partner's sandbox partner and opens the API as the sandbox."""
    from courier.core.models import PartnerAPIKey
    from tests.factories import UserFactory

    live = PartnerFactory(code="ERP1")
    client = Client()
    client.force_login(UserFactory(username="root", is_superuser=True))
    response = client.post(
        "/admin/courier/partnerapikey/add/",
        {"partner": live.pk, "name": "try", "scopes": ["shipments:read"], "sandbox": "on"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    row = PartnerAPIKey.objects.get(name="try")
    assert (row.partner.code, row.partner.is_sandbox, row.partner.live_partner) == (
        "ERP1-TEST",
        True,
        live,
    )
    shown = next(str(m) for m in response.context["messages"] if "ck_test_" in str(m))
    plain = shown.split("ck_test_", 1)[1].split()[0]
    me = _client("ck_test_" + plain).get("/api/v1/me/").json()
    assert (me["partner"]["code"], me["partner"]["is_sandbox"]) == ("ERP1-TEST", True)
