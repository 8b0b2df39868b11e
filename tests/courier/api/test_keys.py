import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from courier.core.models import Partner, PartnerAPIKey
from courier.core.services.apikeys import partner_api_key_revoke
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_key_is_stored_hashed_and_works_as_bearer(key_client):
    """API-02, API-07: the plain key is not stored anywhere; `Authorization: Bearer`
    authenticates, and GET /api/v1/me/ answers the partner, the key's scopes and the limits."""
    client = key_client()
    row = PartnerAPIKey.objects.get(pk=client.key.pk)
    secret_part = client.plain.split(".", 1)[1]
    assert client.plain.startswith(row.prefix + ".")
    assert secret_part not in row.hashed_key and secret_part not in row.id
    assert row.hashed_key != client.plain
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["partner"]["code"] == client.partner.code
    assert body["key"]["prefix"] == row.prefix
    assert body["key"]["scopes"] == sorted(row.scopes)
    assert body["limits"] == {
        "rate": "120/min",
        "max_page_size": 100,
        "max_body_bytes": 1048576,
        "idempotency_ttl_hours": 24,
    }


def test_missing_wrong_and_malformed_credentials_get_401_json(key_client, client):
    """API-02: no key, a wrong key or another scheme → 401 with the error format."""
    assert client.get("/api/v1/me/").json()["code"] == "not_authenticated"
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    good = key_client()
    bad = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {good.plain}x")
    assert (bad.status_code, bad.json()["code"]) == (401, "invalid_key")
    other = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {good.plain}")
    assert (other.status_code, other.json()["code"]) == (401, "invalid_authorization")


def test_revoked_key_is_refused_on_the_next_request(key_client):
    """API-02: revocation takes effect at once."""
    client = key_client()
    assert client.get("/api/v1/me/").status_code == 200
    partner_api_key_revoke(client.key)
    response = client.get("/api/v1/me/")
    assert (response.status_code, response.json()["code"]) == (401, "invalid_key")
    assert PartnerAPIKey.objects.get(pk=client.key.pk).revoked_at is not None


def test_expired_key_and_inactive_partner_are_refused(key_client, time_machine):
    """API-02: optional expiry; an inactive partner's keys stop working."""
    client = key_client(expiry_date=timezone.now() + timedelta(hours=1))
    assert client.get("/api/v1/me/").status_code == 200
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    response = client.get("/api/v1/me/")
    assert (response.status_code, response.json()["code"]) == (401, "key_expired")
    other = key_client()
    Partner.objects.filter(pk=other.partner.pk).update(is_active=False)
    response = other.get("/api/v1/me/")
    assert (response.status_code, response.json()["code"]) == (401, "partner_inactive")


def test_key_in_query_string_is_refused_even_when_valid(key_client, client):
    """API-02: no key accepted in a query string."""
    good = key_client()
    for name in ("api_key", "key", "token", "access_token"):
        response = client.get(f"/api/v1/me/?{name}={good.plain}")
        assert (response.status_code, response.json()["code"]) == (401, "key_in_query_string")
    # Even together with a valid header: the key has leaked into a URL.
    response = good.get(f"/api/v1/me/?api_key={good.plain}")
    assert response.status_code == 401


@pytest.mark.urls("tests.courier.api.testapp")
def test_scopes_are_enforced_per_action(key_client):
    """API-02: a key without the action's scope gets 403 insufficient_scope."""
    reader = key_client(scopes=["shipments:read"])
    assert reader.get("/api/t/endpoints/").status_code == 200
    response = reader.post(
        "/api/t/endpoints/", {"url": "https://example.com/hook"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "insufficient_scope")
    writer = key_client(scopes=["complaints:read"])
    response = writer.get("/api/t/endpoints/")
    assert (response.status_code, response.json()["code"]) == (403, "insufficient_scope")


def test_requests_act_as_the_partner_service_user_and_history_names_it(key_client):
    """API-02: a partner without a service user gets one; history records it as the actor."""
    partner = PartnerFactory(service_user=None)
    assert partner.service_user is None
    client = key_client(partner=partner)
    partner.refresh_from_db()
    user = partner.service_user
    assert user.username == f"partner-{partner.code.lower()}"
    assert not user.has_usable_password() and not user.is_staff

    from rest_framework.test import APIRequestFactory

    from courier.core.api.authentication import PartnerKeyAuthentication

    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {client.plain}")
    from rest_framework.request import Request

    drf_request = Request(request, authenticators=[PartnerKeyAuthentication()])
    assert drf_request.user == user
    assert request.user == user  # the Django request, read by HistoryRequestMiddleware
    assert drf_request.auth.partner == partner


@pytest.mark.urls("tests.courier.api.testapp")
def test_history_of_an_api_write_names_the_service_user(key_client):
    """API-02: a change made through the API is attributed to the partner's service user."""
    client = key_client()
    response = client.post(
        "/api/t/endpoints/", {"url": "https://example.com/h"}, content_type="application/json"
    )
    assert response.status_code == 201
    from courier.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.get(pk=response.json()["id"])
    assert endpoint.history.get().history_user == client.partner.service_user


def test_create_partner_key_command_prints_only_the_key(db):
    """API-02: `create_partner_key CODE --scopes` prints just the key, which then works."""
    partner = PartnerFactory(code="ACME")
    out = io.StringIO()
    call_command(
        "create_partner_key", "ACME", "--scopes", "shipments:read,events:write", stdout=out
    )
    key = out.getvalue().strip()
    assert "\n" not in key and " " not in key
    row = PartnerAPIKey.objects.get(partner=partner)
    assert key.startswith(row.prefix + ".")
    assert row.scopes == ["events:write", "shipments:read"]
    from django.test import Client

    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["partner"]["code"] == "ACME"
    with translation.override("en"):  # the request above left its own language active
        with pytest.raises(CommandError, match="Unknown scopes: shipments:delete"):
            call_command("create_partner_key", "ACME", "--scopes", "shipments:delete", stdout=out)
        with pytest.raises(CommandError, match="No partner"):
            call_command("create_partner_key", "NOPE", "--scopes", "shipments:read", stdout=out)


def test_admin_shows_a_new_key_once_and_only_superusers_create_keys(client):
    """API-02, API-08: the admin shows the key once on creation; setup is for superusers."""
    partner = PartnerFactory()
    admin_user = UserFactory(username="root", is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        "/admin/courier/partnerapikey/add/",
        {"partner": partner.pk, "name": "erp", "scopes": ["shipments:read"], "expiry_date": ""},
        follow=True,
    )
    assert response.status_code == 200
    row = PartnerAPIKey.objects.get(partner=partner)
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) >= 1 and row.prefix + "." in shown[0]
    plain = shown[0].split(row.prefix + ".", 1)[1].split()[0]
    assert PartnerAPIKey.objects.get_from_key(f"{row.prefix}.{plain}") == row
    # A second look at the key page does not show it again.
    page = client.get(f"/admin/courier/partnerapikey/{row.pk}/change/")
    assert plain not in page.content.decode()
    # Staff who are not superusers may not create keys.
    staff = UserFactory(username="mgr", is_superuser=False)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_partnerapikey", "view_partnerapikey"])
    )
    client.force_login(staff)
    assert client.get("/admin/courier/partnerapikey/add/").status_code == 403
    partner.refresh_from_db()
    assert partner.service_user is not None


def test_partner_admin_lists_its_keys_and_webhook_endpoints(client, key_client):
    """API-01: the partner page shows its keys (prefix only) and webhook endpoints."""
    from courier.models import WebhookEndpoint

    api = key_client()
    WebhookEndpoint.objects.create(partner=api.partner, url="https://shop.example/hooks")
    client.force_login(UserFactory(username="root", is_superuser=True))
    page = client.get(f"/admin/courier/partner/{api.partner.pk}/change/").content.decode()
    assert api.key.prefix in page and "https://shop.example/hooks" in page
    assert api.plain.split(".", 1)[1] not in page
