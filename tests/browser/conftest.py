"""Browser tests (``pytest -m browser``): Playwright driving Debian's Chromium against a live
server holding the demo's working day (``seed_demo``).

- One live server and one seeded database for the whole run; each role logs in once through the
  login form and every later page reuses that session (Playwright's storage state).
- Every page a test opens is watched: a console error, an uncaught script error, a failed
  request, a Content-Security-Policy violation or a request to any other origin fails the test.
- Each flow saves a screenshot under ``<COURIER_VAR_DIR>/browser/`` (CI keeps ``var/``).
- Without Chromium the tests skip, except under CI (``CI=true``), where they fail: ``.ci/run``
  installs it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The default UI language, as a browser set to Chinese asks for it.
LOCALE = "zh-CN"


def chromium_path() -> str:
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run installs it (apt chromium)")
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@dataclass
class Demo:
    url: str
    logins: dict
    var: Path
    states: dict = field(default_factory=dict)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # themselves (reading what a flow changed) are still synchronous and safe. Set only while
    # browser tests run: a subprocess of another test (``check --deploy``) must not inherit it.
    env = pytest.MonkeyPatch()
    env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield instance
        instance.close()
    env.undo()


def _pristine_copy(keepdb: bool):
    """With ``--reuse-db`` on SQLite, the migrated test database is copied aside before the
    demo is seeded and copied back at the next run (the seeded day, changed by the flows, must
    not be reused; a flush would also drop the rows the data migrations seeded). Returns a
    function restoring the copy, or ``None``."""
    from django.db import connection

    if not keepdb or connection.vendor != "sqlite":
        return None
    database = Path(connection.settings_dict["NAME"])
    pristine = database.with_name(database.name + ".browser-pristine")
    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    if pristine.exists():
        shutil.copyfile(pristine, database)
    else:
        shutil.copyfile(database, pristine)
    return pristine


@pytest.fixture(scope="session")
def demo(browser, django_db_blocker, request):
    """The demo's day in a test database behind a live server, for the whole session.

    The browser tests take no ``db`` fixture (that would roll back or flush the day after each
    test, and the sessions with it), so the test database is set up here and destroyed at the
    end; with ``--reuse-db`` (SQLite) a migrated copy is kept for the next run instead."""
    from celery import current_app
    from django.test import override_settings
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    keepdb = request.config.getoption("reuse_db") and not request.config.getoption("create_db")
    # The logins file and the screenshots go to var/browser/, beside (not over) a demo's.
    var = Path(settings.VAR_DIR) / "browser"
    var.mkdir(parents=True, exist_ok=True)
    for old in var.glob("*.png"):  # the artefacts show this run only
        old.unlink()
    with django_db_blocker.unblock(), override_settings(VAR_DIR=var):
        databases = setup_databases(
            verbosity=0, interactive=False, aliases={"default"}, keepdb=keepdb
        )
        server = None
        try:
            _pristine_copy(keepdb)
            eager = current_app.conf.task_always_eager
            current_app.conf.task_always_eager = True
            call_command("seed_demo", stdout=io.StringIO())
            current_app.conf.task_always_eager = eager
            logins = json.loads((var / "demo-logins.json").read_text())
            server = LiveServer("127.0.0.1")
            server._live_server_modified_settings.enable()
            yield Demo(url=server.url, logins=logins, var=var)
        finally:
            if server is not None:
                server._live_server_modified_settings.disable()
                server.stop()
            if not keepdb:
                teardown_databases(databases, verbosity=0)


class PageGuard:
    """Collects everything that must not happen on a page."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.problems: list[str] = []

    def attach(self, page) -> None:
        self.page = page
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" or "Content-Security-Policy" in message.text:
            where = message.location.get("url") or self.page.url
            self.problems.append(f"console {message.type}: {message.text} @ {where}")

    def _on_site(self, url: str) -> bool:
        return url.startswith(self.base_url + "/") or url.startswith(("data:", "blob:"))

    def _request(self, request) -> None:
        if not self._on_site(request.url):
            self.problems.append(f"off-site request: {request.url}")

    def _failed(self, request) -> None:
        # A download ends the navigation that started it; that is not a failure.
        if request.failure and "ERR_ABORTED" not in request.failure:
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def open_as(browser, demo, request):
    """``open_as(role)`` → a page signed in as ``role`` (``None``: anonymous), watched by a
    ``PageGuard``; the test fails at teardown on anything the guard saw."""
    contexts = []
    guard = PageGuard(demo.url)

    def sign_in(role: str) -> dict:
        if role not in demo.states:
            context = browser.new_context(locale=LOCALE, base_url=demo.url)
            page = context.new_page()
            guard.attach(page)
            page.goto("/admin/login/")
            page.fill("#id_username", role)
            page.fill("#id_password", demo.logins[role])
            page.click("input[type=submit]")
            page.wait_for_url(lambda url: "/login/" not in url)
            demo.states[role] = context.storage_state()
            context.close()
        return demo.states[role]

    def open_page(role: str | None):
        state = sign_in(role) if role else None
        context = browser.new_context(
            locale=LOCALE, base_url=demo.url, storage_state=state, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        guard.attach(page)
        return page

    yield open_page
    for n, context in enumerate(contexts):
        if getattr(request.node, "browser_failed", False):
            for page in context.pages:  # what the failing test was looking at
                page.screenshot(path=str(demo.var / f"{request.node.name}-failed-{n}.png"))
        context.close()
    assert not guard.problems, "\n".join(guard.problems)


@pytest.fixture
def shot(demo, request):
    """``shot(page)`` saves the flow's screenshot as var/browser/<test name>[-<n>].png."""
    taken = []

    def save(page, suffix: str = "") -> Path:
        name = request.node.name + (f"-{suffix}" if suffix else "")
        path = demo.var / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    return save
