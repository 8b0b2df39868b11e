"""Charts and pages load nothing from another host (no CDN): every ``src``/``href`` of the
console's homes and report pages is local."""

import re
from urllib.parse import urlparse

import pytest
from django.test import Client

from courier.core.reports import report_run
from tests.console.conftest import NOW
from tests.console.test_queries import fill

pytestmark = pytest.mark.django_db
ATTR = re.compile(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""", re.IGNORECASE)
LOCAL = {"", "testserver", "localhost", "127.0.0.1"}


def offsite(html: str) -> list[str]:
    found = []
    for url in ATTR.findall(html) + CSS_URL.findall(html):
        parsed = urlparse(url if not url.startswith("//") else "http:" + url)
        remote = parsed.scheme in ("http", "https") or url.startswith("//")
        if remote and (parsed.hostname or "") not in LOCAL:
            found.append(url)
    return found


def test_offsite_detector_catches_a_cdn():
    """RPT-02: the check itself fails on a CDN script, stylesheet or protocol-relative link."""
    assert offsite('<script src="https://cdn.jsdelivr.net/npm/chart.js"></script>') == [
        "https://cdn.jsdelivr.net/npm/chart.js"
    ]
    assert offsite("<link href='//fonts.googleapis.com/css'>") == ["//fonts.googleapis.com/css"]
    assert offsite('<a href="/admin/">x</a><img src="http://127.0.0.1:8000/x.svg">') == []


def test_console_and_report_pages_load_nothing_offsite(org, clock):
    """RPT-01..03, CMP-12: every role's home, the report page with its charts, the stored runs'
    list and page and the service-level page reference no off-site asset."""
    fill(org, 3)
    run = report_run("console.daily_operations")
    pages = {
        org.agent: ["/"],
        org.supervisor: ["/", "/reports/"],
        org.manager: [
            "/",
            "/admin/",
            "/reports/",
            "/admin/courier/reportrun/",
            f"/admin/courier/reportrun/{run.pk}/change/",
            "/admin/complaints/servicelevelday/",
            "/admin/complaints/callrecord/",
        ],
    }
    for who, urls in pages.items():
        c = Client()
        c.force_login(who.user)
        for url in urls:
            response = c.get(url)
            assert response.status_code == 200, url
            assert offsite(response.content.decode()) == [], url
    assert NOW
