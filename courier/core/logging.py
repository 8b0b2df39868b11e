"""A logging filter that keeps secrets and personal data out of every log line.

``RedactingFilter`` (installed on every handler in ``settings.LOGGING``) rewrites a record's
message, its arguments and its formatted traceback, replacing:

- API keys: ``Bearer <anything>``, a bare ``prefix.secret`` key, and key-like query parameters
  (``?api_key=``, ``token=``, ...; keys in query strings are refused but still reach logs);
- link tokens: survey links (``/survey/<token>/``) and calendar feeds (``/calendar/<token>.ics``);
- mainland mobile phone numbers (11 digits, ``1[3-9]…``, optionally ``+86``);
- landline numbers written with their area code (``010-12345678``, ``(0755)1234567``): a bare
  run of digits is left alone, since waybill numbers are such runs;
- e-mail addresses.

Records are rewritten in place (the message is formatted with its arguments, then redacted), so
every handler and formatter sees only the redacted text.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

_PATTERNS: list[tuple[re.Pattern, str]] = [
    # Authorization headers (any scheme word after it is the secret).
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), rf"\1 {REDACTED}"),
    (re.compile(r"(?i)\b(token)\s+[A-Za-z0-9._~+/=-]{20,}"), rf"\1 {REDACTED}"),
    # rest_framework_api_key keys: 8-character prefix, dot, 32-character secret.
    (re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}(?![A-Za-z0-9])"), REDACTED),
    # Key-like query or form parameters.
    (
        re.compile(
            r"(?i)\b(api_key|apikey|key|token|access_token|authorization|secret|password)"
            r"=[^&\s'\"]+"
        ),
        rf"\1={REDACTED}",
    ),
    # Link tokens in paths: the survey link and the iCalendar feed.
    (re.compile(r"(/survey/)[A-Za-z0-9_-]{8,}"), rf"\1{REDACTED}"),
    (re.compile(r"(/calendar/)[A-Za-z0-9_-]{8,}"), rf"\1{REDACTED}"),
    # E-mail addresses.
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), REDACTED),
    # Mainland mobile numbers (GB/T 41833 personal data), with or without +86.
    (re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)"), REDACTED),
    # Landlines with an area code set off by a dash, a space or brackets (an optional extension).
    (
        re.compile(
            r"(?<![\d-])(?:\(0\d{2,3}\)\s?|0\d{2,3}[ -])\d{3,4}[ -]?\d{4}(?:-\d{1,5})?(?!\d)"
        ),
        REDACTED,
    ),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _args(args) -> list:
    if isinstance(args, dict):
        return list(args.values())
    return list(args or ())


class RedactingFilter(logging.Filter):
    """Never drops a record; rewrites it so it carries no key, token, phone or e-mail."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            # Format first, then redact the whole line: a secret may be split between the
            # message and its arguments ("/survey/%s/" % token), or be a number (a phone).
            try:
                message = record.getMessage()
            except Exception:  # arguments that do not fit the message: redact each part
                message = " ".join([str(record.msg), *map(str, _args(record.args))])
            record.msg, record.args = redact(message), ()
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
                # The formatter prints exc_text when set; keep exc_info for handlers that need
                # the exception object (e.g. error reporters) but never its raw text.
            if record.stack_info:
                record.stack_info = redact(record.stack_info)
        except Exception:  # a filter must never lose a log line
            return True
        return True
