"""PLT-06 (issue 12 item 6): the login lockout is by username and client address together."""

import pytest
from django.test import Client, override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
A, B = "203.0.113.7", "198.51.100.20"


def _login(client, password, address, username="ops1", **extra):
    data = {"username": username, "password": password}
    return client.post(LOGIN, data, REMOTE_ADDR=address, **extra)


def test_a_wrong_password_storm_from_one_address_does_not_lock_the_user_out_elsewhere():
    """API-08, PLT-06: five wrong passwords from address A lock ops1 at A (even with the right
    password) but ops1 still logs in from address B; a colleague behind A's NAT still logs in."""
    UserFactory(username="ops1", password="right-pass-123", is_staff=True)
    UserFactory(username="ops2", password="other-pass-456", is_staff=True)
    attacker = Client()
    assert [_login(attacker, "wrong", A).status_code for _ in range(5)] == [200] * 4 + [429]
    assert _login(Client(), "right-pass-123", A).status_code == 429
    elsewhere = Client()
    response = _login(elsewhere, "right-pass-123", B)
    assert response.status_code == 302 and elsewhere.session["_auth_user_id"]
    colleague = Client()
    response = _login(colleague, "other-pass-456", A, username="ops2")
    assert response.status_code == 302 and colleague.session["_auth_user_id"]


@override_settings(REST_FRAMEWORK={"NUM_PROXIES": 1})
def test_behind_a_proxy_the_address_is_the_one_the_proxy_forwarded():
    """API-08, PLT-06: behind one trusted proxy the lockout keys on the forwarded client address,
    not on the proxy's (a client-sent X-Forwarded-For entry further left is not trusted)."""
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        UserFactory(username="ops1", password="right-pass-123", is_staff=True)
        proxy = "10.0.0.1"
        storm = Client()
        for _ in range(5):
            last = _login(storm, "wrong", proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {A}")
        assert last.status_code == 429
        locked = _login(Client(), "right-pass-123", proxy, HTTP_X_FORWARDED_FOR=A)
        assert locked.status_code == 429
        other = Client()
        response = _login(other, "right-pass-123", proxy, HTTP_X_FORWARDED_FOR=B)
        assert response.status_code == 302 and other.session["_auth_user_id"]
    finally:
        api_settings.reload()
