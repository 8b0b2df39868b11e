from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def _login(client, password):
    return client.post(LOGIN, {"username": "ops1", "password": password})


def test_axes_locks_a_login_after_5_failures_for_15_minutes(client, time_machine):
    """API-08: five wrong passwords lock the account for 15 minutes, even for the right one."""
    time_machine.move_to(timezone.now(), tick=False)
    UserFactory(username="ops1", password="right-pass-123", is_staff=True)
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME) == (5, 0.25)
    for _ in range(4):
        response = _login(client, "wrong")
        assert response.status_code == 200  # the form again, with an error
    assert _login(client, "wrong").status_code == 429  # the fifth failure locks
    locked = _login(client, "right-pass-123")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    time_machine.move_to(timezone.now() + timedelta(minutes=14), tick=False)
    assert _login(client, "right-pass-123").status_code == 429
    # A try while locked restarts the 15 minutes (axes' default); 15 quiet minutes unlock.
    time_machine.move_to(timezone.now() + timedelta(minutes=15, seconds=1), tick=False)
    response = _login(client, "right-pass-123")
    assert response.status_code == 302 and client.session["_auth_user_id"]


def test_partner_service_users_cannot_log_in_to_the_admin(client, key_client):
    """API-08: a partner's service user has no usable password and no staff flag."""
    api = key_client()
    user = api.partner.service_user
    assert not user.is_staff
    response = client.post(LOGIN, {"username": user.username, "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_production_cookie_and_transport_settings(tmp_path):
    """API-08: with DEBUG=false sessions and CSRF cookies are secure and HTTPS is enforced."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS >= 31536000)"
    )
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "p" * 60,
        "COURIER_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "courier.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True"] * 5, result.stderr
