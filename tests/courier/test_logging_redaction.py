"""PLT-09 (issue 12 item 6): the logging filter keeps API keys, link tokens, phone numbers and
e-mail addresses out of every log line, in a record's message, its arguments and its traceback."""

import logging

import pytest
from django.conf import settings

from courier.core.logging import REDACTED, RedactingFilter, redact

KEY = "AbCd1234.0123456789abcdefABCDEF0123456789"
SURVEY = "Zx9_-Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm12"


def _format(record: logging.LogRecord) -> str:
    assert RedactingFilter().filter(record) is True  # never drops a line
    return logging.Formatter("%(message)s").format(record)


def _record(msg, args=(), exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("t", logging.WARNING, __file__, 1, msg, args, exc_info)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Authorization: Bearer {KEY}", f"Authorization: Bearer {REDACTED}"),
        (f"key {KEY} refused", f"key {REDACTED} refused"),
        ("GET /api/v1/me/?api_key=s3cr3t&x=1", f"GET /api/v1/me/?api_key={REDACTED}&x=1"),
        ("call 13800001234 now", f"call {REDACTED} now"),
        ("call +86 138-0000-1234 now", f"call {REDACTED} now"),
        ("mail wang.xiao+cs@example.com.cn", f"mail {REDACTED}"),
        ("station 010-62345678 closed", f"station {REDACTED} closed"),
        ("ring (0755)2345678-801 or 021 6234 5678", f"ring {REDACTED} or {REDACTED}"),
        (f"Not Found: /complaints/survey/{SURVEY}/", f"Not Found: /complaints/survey/{REDACTED}/"),
        (
            "GET /staff/calendar/abcDEF123456ghiJKL7890mnop.ics",
            f"GET /staff/calendar/{REDACTED}.ics",
        ),
    ],
)
def test_redact_replaces_each_kind_of_secret(text, expected):
    """PLT-09: each pattern on its own."""
    assert redact(text) == expected


def test_ordinary_numbers_and_words_stay():
    """PLT-09: waybill numbers, ids, amounts and times are not personal data."""
    text = "waybill 7301234567890 complaint 42 amount 1380.00 at 2026-03-02 10:00 token expired"
    assert redact(text) == text


def test_filter_redacts_message_and_positional_args():
    """PLT-09: ``Bearer <key>``, 11-digit phones, e-mails and survey tokens in the
    message and in its ``%s`` arguments."""
    record = _record(
        "auth %s for %s (%s) at /complaints/survey/%s/ phone 13912345678",
        (f"Bearer {KEY}", "buyer@example.com", 13800001234, SURVEY),
    )
    line = _format(record)
    assert line == (
        f"auth Bearer {REDACTED} for {REDACTED} ({REDACTED}) at /complaints/survey/{REDACTED}/"
        f" phone {REDACTED}"
    )


def test_filter_redacts_mapping_args_and_objects():
    """PLT-09: ``%(name)s`` arguments and objects formatted by ``str()``."""

    class Request:
        def __str__(self):
            return f"<GET /complaints/survey/{SURVEY}/>"

    record = _record("%(who)s %(req)s %(n)d", ({"who": "a@b.cn", "req": Request(), "n": 3},))
    assert _format(record) == f"{REDACTED} <GET /complaints/survey/{REDACTED}/> 3"


def test_filter_redacts_the_traceback():
    """PLT-09: a secret in an exception's text is redacted in the logged traceback."""
    try:
        raise ValueError(f"bad key {KEY} from 13800001234")
    except ValueError:
        import sys

        record = _record("failed", exc_info=sys.exc_info())
    line = _format(record)
    assert KEY not in line and "13800001234" not in line
    assert f"ValueError: bad key {REDACTED} from {REDACTED}" in line


def test_the_filter_is_installed_on_every_handler(caplog, capsys):
    """PLT-09: settings.LOGGING puts the filter on each handler, so django.request's
    "Not Found: <path>" warnings (where survey tokens leaked) come out redacted."""
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("redact" in h.get("filters", []) for h in handlers.values())
    assert settings.LOGGING["filters"]["redact"]["()"] == "courier.core.logging.RedactingFilter"
    [console] = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert any(isinstance(f, RedactingFilter) for f in console.filters)
