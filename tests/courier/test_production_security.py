"""PLT-07, PLT-08 (issue 12 item 6): production settings put Secure on every cookie, send a
Content-Security-Policy that allows only the site itself (the admin and the Swagger UI keep
working under it), and refuse the console e-mail backend unless it is set explicitly."""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from courier.core.checks import email_backend_check
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NAMES = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_HTTPONLY",
    "EMAIL_BACKEND",
    "CONTENT_SECURITY_POLICY",
    "CSP_ALLOWED_INLINE_HANDLERS",
    "MIDDLEWARE",
]


def production_settings(tmp_path, **env) -> dict:
    """The settings module loaded as production loads it (a fresh interpreter)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}}))"
    )
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "courier.settings",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "testserver",
        "COURIER_VAR_DIR": str(tmp_path),
        **env,
    }
    if "EMAIL_BACKEND" not in env:
        environ.pop("EMAIL_BACKEND", None)  # the default, as production runs it
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    return production_settings(tmp_path_factory.mktemp("prod"))


def test_production_defaults_mark_every_cookie_secure_and_send_mail_by_smtp(prod):
    """PLT-07: with DEBUG=false the session, CSRF and language cookies are Secure, and
    the e-mail backend is SMTP (the console backend printed customers' mail to the log)."""
    assert prod["DEBUG"] is False
    assert (
        prod["SESSION_COOKIE_SECURE"],
        prod["CSRF_COOKIE_SECURE"],
        prod["LANGUAGE_COOKIE_SECURE"],
    ) == (True, True, True)
    assert prod["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert "courier.core.middleware.ContentSecurityPolicyMiddleware" in prod["MIDDLEWARE"]


def test_console_email_in_production_only_when_set_explicitly_and_deploy_check_warns(tmp_path):
    """PLT-07: the console backend in production only by an explicit EMAIL_BACKEND,
    and then ``check --deploy`` warns (courier.W010)."""
    console = "django.core.mail.backends.console.EmailBackend"
    assert production_settings(tmp_path, EMAIL_BACKEND=console)["EMAIL_BACKEND"] == console
    with override_settings(DEBUG=False, EMAIL_BACKEND=console):
        [warning] = email_backend_check()
    assert warning.id == "courier.W010"
    with override_settings(
        DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"
    ):
        assert email_backend_check() == []
    with override_settings(DEBUG=True, EMAIL_BACKEND=console):
        assert email_backend_check() == []


def _secure_flags(response) -> dict:
    return {name: bool(morsel["secure"]) for name, morsel in response.cookies.items()}


def test_every_cookie_the_site_sets_is_secure_in_production(client, prod):
    """PLT-07: csrftoken, sessionid, the messages cookie and django_language all carry
    Secure under the production settings."""
    secure = {n: prod[n] for n in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")}
    secure["LANGUAGE_COOKIE_SECURE"] = prod["LANGUAGE_COOKIE_SECURE"]
    seen = {}
    with override_settings(**secure):
        login_page = client.get("/admin/login/", secure=True)
        seen.update(_secure_flags(login_page))
        user = UserFactory(is_staff=True, is_superuser=True)
        user.set_password("pw-Secure-123")
        user.save()
        logged_in = client.post(
            "/admin/login/",
            {"username": user.username, "password": "pw-Secure-123", "next": "/admin/"},
            secure=True,
        )
        seen.update(_secure_flags(logged_in))
        language = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
        seen.update(_secure_flags(language))
    assert {"csrftoken", "sessionid", "django_language"} <= set(seen)
    assert seen == dict.fromkeys(seen, True)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


INLINE_SCRIPT_TAG = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
SCRIPT_SRC = re.compile(r"<script[^>]*\bsrc=\"([^\"]+)\"", re.I)
HANDLER = re.compile(r"\son[a-z]+=\"([^\"]*)\"", re.I)


def test_csp_allows_only_the_site_itself_on_every_kind_of_response(client):
    """PLT-08: the header is on HTML pages, API answers and errors alike: scripts,
    connections, fonts and everything else only from the site; no plugins, no framing, forms
    post only to the site."""
    for response in (
        client.get("/admin/login/"),
        client.get("/api/v1/me/"),
        client.get("/api/v1/unknown/"),
        client.get("/healthz"),
    ):
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"][0] == "'self'"
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-eval'" not in policy["script-src"]
        assert policy["connect-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]


def test_the_admin_works_under_the_csp(client):
    """PLT-08: admin pages load scripts only from /static/ (files that exist), have no
    inline script the policy would block, and every inline event handler is allowed by hash."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in ("/admin/", "/admin/auth/user/", "/admin/auth/user/add/", "/admin/login/"):
        response = client.get(url)
        assert response.status_code in (200, 302)
        html = response.content.decode()
        policy = _policy(response)
        for src in SCRIPT_SRC.findall(html):
            assert src.startswith("/") and not src.startswith("//"), src  # same origin
            if src.startswith("/static/"):
                assert finders.find(src.removeprefix("/static/")), src
        for attributes, body in INLINE_SCRIPT_TAG.findall(html):
            # Only data carriers (json_script), which the browser never executes.
            assert 'type="application/json"' in attributes, (url, body[:80])
        for handler in HANDLER.findall(html):
            assert "'unsafe-hashes'" in policy["script-src"]
            assert _sha256(handler) in policy["script-src"], (url, handler)


def test_the_swagger_ui_works_under_the_csp(client):
    """PLT-08: /api/v1/docs/ loads Swagger UI from drf-spectacular-sidecar under
    /static/ (files that exist); its one inline start-up script is allowed by its exact hash,
    for that page only; the schema it fetches is same-origin."""
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    policy = _policy(response)
    sources = SCRIPT_SRC.findall(html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    for src in sources:
        assert src.startswith("/static/drf_spectacular_sidecar/"), src
        assert finders.find(src.removeprefix("/static/")), src
    [inline] = INLINE_SCRIPT.findall(html)
    assert "SwaggerUIBundle(" in inline
    assert _sha256(inline) in policy["script-src"]
    assert 'url: "/api/v1/schema/"' in inline
    other = _policy(client.get("/admin/login/"))
    assert _sha256(inline) not in other["script-src"]
