"""Throttling of the partner API.

- Per key (``PartnerKeyRateThrottle``): each API key has its own budget
  (``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['partner_key']``); 429 with ``Retry-After``.
- Per client address for invalid keys (``InvalidKeyThrottle``, rate ``invalid_key``): an address
  that keeps presenting unknown, expired or malformed keys gets 429 before its next key is even
  looked up, so keys cannot be guessed at speed.

The counters live in the default cache (Redis in production, files in the demo). When that cache
is unreachable the API keeps answering: the counters fall back to a per-process memory cache (so
each process still limits, at the same rate), the default cache is retried after
``FALLBACK_RETRY_SECONDS``, and the fallback is logged once per ``FALLBACK_LOG_SECONDS``.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger("courier.api.throttling")

FALLBACK_RETRY_SECONDS = 5
FALLBACK_LOG_SECONDS = 60


class ResilientCache:
    """The default cache, or a per-process memory cache while the default one fails."""

    def __init__(self, alias: str = "default"):
        self.alias = alias
        self.fallback = LocMemCache("courier-throttle-fallback", {"MAX_ENTRIES": 20000})
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._logged_at = float("-inf")
        self.fallbacks = 0  # how many operations went to the fallback (for tests and metrics)

    def _degraded(self, exc=None) -> LocMemCache:
        now = time.monotonic()
        with self._lock:
            self.fallbacks += 1
            if exc is not None:
                self._down_until = now + FALLBACK_RETRY_SECONDS
            if now - self._logged_at >= FALLBACK_LOG_SECONDS:
                self._logged_at = now
                logger.warning(
                    "throttle cache %r unavailable (%s); limiting per process until it is back",
                    self.alias,
                    f"{type(exc).__name__}: {exc}" if exc is not None else "still down",
                )
        return self.fallback

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return getattr(self._degraded(), method)(*args, **kwargs)
        try:
            return getattr(caches[self.alias], method)(*args, **kwargs)
        except Exception as exc:  # any backend or network error of the cache: degrade, not 500
            return getattr(self._degraded(exc), method)(*args, **kwargs)

    def get(self, key, default=None):
        return self._call("get", key, default)

    def set(self, key, value, timeout=None):
        return self._call("set", key, value, timeout)

    def delete(self, key):
        return self._call("delete", key)

    def reset(self) -> None:
        """Forget the outage and the fallback counters (tests)."""
        with self._lock:
            self._down_until, self._logged_at, self.fallbacks = 0.0, float("-inf"), 0
        self.fallback.clear()


throttle_cache = ResilientCache()


class _LiveRateThrottle(SimpleRateThrottle):
    cache = throttle_cache

    def get_rate(self):
        # Read at request time, so a settings change (or a test override) applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def __init__(self):
        # SimpleRateThrottle reads the rate in __init__; keep that but from live settings.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)


class PartnerKeyRateThrottle(_LiveRateThrottle):
    scope = "partner_key"

    def get_cache_key(self, request, view):
        key = getattr(request, "auth", None)
        if key is None or not getattr(key, "pk", None):
            return None  # unauthenticated requests are refused before they cost anything
        return self.cache_format % {"scope": self.scope, "ident": key.prefix}


class InvalidKeyThrottled(exceptions.Throttled):
    default_detail = _("Too many invalid API keys from this address.")


class InvalidKeyThrottle(_LiveRateThrottle):
    """Counts only failures: ``refuse_if_blocked`` before a key is looked up, ``failure_record``
    after it was refused."""

    scope = "invalid_key"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _history(self, request) -> tuple[str, list]:
        key = self.get_cache_key(request)
        now = self.timer()
        history = [t for t in (self.cache.get(key, []) or []) if t > now - self.duration]
        return key, history

    def refuse_if_blocked(self, request) -> None:
        if self.rate is None:
            return
        self.key, self.history = self._history(request)
        self.now = self.timer()
        if len(self.history) >= self.num_requests:
            raise InvalidKeyThrottled(wait=self.wait())

    def failure_record(self, request) -> None:
        if self.rate is None:
            return
        key, history = self._history(request)
        history.insert(0, self.timer())
        self.cache.set(key, history, self.duration)
