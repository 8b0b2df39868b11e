"""Throttling of the partner API.

- Per key (``PartnerKeyRateThrottle``): each API key has its own budget
  (``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['partner_key']``); 429 with ``Retry-After``.
- Per client address for invalid keys (``InvalidKeyThrottle``, rate ``invalid_key``): an address
  that keeps presenting unknown, expired or malformed keys gets 429 for every key it presents
  next, right or wrong, so keys cannot be guessed at speed. The address' counter is read in the
  same round trip that counts a valid key's request (``PartnerKeyRateThrottle``), and a refused
  key's failure is counted by the INCR that also tells whether the address is over its budget:
  one Redis round trip per request either way.

Each budget is a **fixed-window counter** (one integer per key and window, whatever the rate):
the first request opens a window of the rate's duration, every request adds one, a request over
the limit is refused until the window ends (``Retry-After`` = the seconds left). On Redis a hit
is one round trip (``MULTI``, ``SET key 0 EX <duration> NX``, ``INCR``, ``TTL``, with the
address' invalid-key counter ``GET``/``TTL``, ``EXEC``) over one client per process; other cache
backends (the demo's files) use ``get``/``set`` on the cache.

The counters live in the default cache's server (Redis in production). When it is unreachable
the API keeps answering: the counters fall back to a per-process memory store (so each process
still limits, at the same rate), the shared store is retried after ``FALLBACK_RETRY_SECONDS``,
and the fallback is logged once per ``FALLBACK_LOG_SECONDS``.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger("courier.api.throttling")

FALLBACK_RETRY_SECONDS = 5
FALLBACK_LOG_SECONDS = 60
FALLBACK_MAX_KEYS = 20_000

_REDIS_BACKENDS = ("django.core.cache.backends.redis.RedisCache",)


class MemoryCounters:
    """Fixed-window counters in this process: ``{key: [count, window_ends_at]}``, bounded."""

    def __init__(self, max_keys: int = FALLBACK_MAX_KEYS):
        self.max_keys = max_keys
        self._data: dict[str, list] = {}
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        for key in [k for k, (_c, ends) in self._data.items() if ends <= now]:
            del self._data[key]
        if len(self._data) >= self.max_keys:  # still full: forget the oldest half
            for key in list(self._data)[: self.max_keys // 2]:
                del self._data[key]

    def hit(self, key: str, duration: int) -> tuple[int, float]:
        now = time.monotonic()
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry[1] <= now:
                if len(self._data) >= self.max_keys:
                    self._prune(now)
                entry = self._data[key] = [0, now + duration]
            entry[0] += 1
            return entry[0], entry[1] - now

    def hit_and_peek(self, key: str, duration: int, other: str) -> tuple[int, float, int, float]:
        return (*self.hit(key, duration), *self.peek(other))

    def peek(self, key: str) -> tuple[int, float]:
        now = time.monotonic()
        entry = self._data.get(key)
        if entry is None or entry[1] <= now:
            return 0, 0.0
        return entry[0], entry[1] - now

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class RedisCounters:
    """The counters on the cache's Redis through one client per process and server. Keys are
    the cache's keys (its prefix and version) under ``fw:``, plain integers with a TTL."""

    def __init__(self, client, make_key):
        self.client = client
        self.make_key = make_key

    def hit(self, key: str, duration: int) -> tuple[int, float]:
        key = self.make_key(f"fw:{key}")
        # MULTI/EXEC: the window cannot expire between SET NX and INCR (which would leave a
        # counter without a TTL); still one round trip.
        pipe = self.client.pipeline(transaction=True)
        pipe.set(key, 0, ex=duration, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _created, count, ttl = pipe.execute()
        if ttl is not None and ttl < 0:  # no TTL (should not happen): never count forever
            self.client.expire(key, duration)
            ttl = duration
        return int(count), float(ttl if ttl else duration)

    def hit_and_peek(self, key: str, duration: int, other: str) -> tuple[int, float, int, float]:
        """``hit(key)`` and ``peek(other)`` in the same round trip."""
        key, other = self.make_key(f"fw:{key}"), self.make_key(f"fw:{other}")
        pipe = self.client.pipeline(transaction=True)
        pipe.set(key, 0, ex=duration, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        pipe.get(other)
        pipe.ttl(other)
        _created, count, ttl, other_count, other_ttl = pipe.execute()
        if ttl is not None and ttl < 0:  # no TTL (should not happen): never count forever
            self.client.expire(key, duration)
            ttl = duration
        return (
            int(count),
            float(ttl if ttl else duration),
            int(other_count or 0),
            float(other_ttl if other_ttl and other_ttl > 0 else 0),
        )

    def peek(self, key: str) -> tuple[int, float]:
        key = self.make_key(f"fw:{key}")
        pipe = self.client.pipeline(transaction=False)
        pipe.get(key)
        pipe.ttl(key)
        count, ttl = pipe.execute()
        return int(count or 0), float(ttl if ttl and ttl > 0 else 0)


class CacheCounters:
    """Any other Django cache (the demo's file cache): ``get``/``set`` of ``(count, ends_at)``.
    Not atomic across processes; production runs on Redis."""

    def __init__(self, cache):
        self.cache = cache

    def hit(self, key: str, duration: int) -> tuple[int, float]:
        now = time.time()
        count, ends = self.cache.get(key) or (0, 0.0)
        if ends <= now:
            count, ends = 0, now + duration
        count += 1
        self.cache.set(key, (count, ends), max(1, int(ends - now) + 1))
        return count, ends - now

    def hit_and_peek(self, key: str, duration: int, other: str) -> tuple[int, float, int, float]:
        return (*self.hit(key, duration), *self.peek(other))

    def peek(self, key: str) -> tuple[int, float]:
        now = time.time()
        count, ends = self.cache.get(key) or (0, 0.0)
        return (count, ends - now) if ends > now else (0, 0.0)


_redis_clients: dict = {}
_redis_clients_lock = threading.Lock()


def _redis_client(config: dict):
    """One ``redis.Redis`` per process for a cache configuration (its pool is reused)."""
    location = config["LOCATION"]
    if isinstance(location, list | tuple):
        location = location[0]  # the first server is the one Django writes to
    options = {
        k: v
        for k, v in (config.get("OPTIONS") or {}).items()
        if k not in ("pool_class", "parser_class", "serializer")
    }
    ident = (location, tuple(sorted(options.items())))
    client = _redis_clients.get(ident)
    if client is None:
        import redis

        with _redis_clients_lock:
            client = _redis_clients.get(ident)
            if client is None:
                pool = redis.ConnectionPool.from_url(location, **options)
                client = _redis_clients[ident] = redis.Redis(connection_pool=pool)
    return client


class ResilientCounters:
    """The shared counters, or this process' memory while the shared store fails."""

    def __init__(self, alias: str = "default"):
        self.alias = alias
        self.fallback = MemoryCounters()
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._logged_at = float("-inf")
        self.fallbacks = 0  # how many operations went to the fallback (for tests and metrics)

    def shared(self):
        config = settings.CACHES[self.alias]
        if config.get("BACKEND") in _REDIS_BACKENDS:
            return RedisCounters(_redis_client(config), caches[self.alias].make_key)
        return CacheCounters(caches[self.alias])

    def _degraded(self, exc=None) -> MemoryCounters:
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

    def _call(self, method: str, *args):
        if time.monotonic() < self._down_until:
            return getattr(self._degraded(), method)(*args)
        try:
            return getattr(self.shared(), method)(*args)
        except Exception as exc:  # any backend or network error of the cache: degrade, not 500
            return getattr(self._degraded(exc), method)(*args)

    def hit(self, key: str, duration: int) -> tuple[int, float]:
        """Count one request in ``key``'s window; ``(count including this one, seconds left)``."""
        return self._call("hit", key, duration)

    def peek(self, key: str) -> tuple[int, float]:
        """``(count, seconds left)`` of ``key``'s current window, without counting."""
        return self._call("peek", key)

    def hit_and_peek(self, key: str, duration: int, other: str) -> tuple[int, float, int, float]:
        """``hit(key, duration)`` and ``peek(other)`` at once (one round trip on Redis)."""
        return self._call("hit_and_peek", key, duration, other)

    def reset(self) -> None:
        """Forget the outage and the fallback counters (tests)."""
        with self._lock:
            self._down_until, self._logged_at, self.fallbacks = 0.0, float("-inf"), 0
        self.fallback.clear()


throttle_cache = ResilientCounters()


class _WindowThrottle(SimpleRateThrottle):
    """A fixed-window counter per ``get_cache_key``: one hit per request, constant memory."""

    counters = throttle_cache
    _wait = None

    def get_rate(self):
        # Read at request time, so a settings change (or a test override) applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def __init__(self):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        count, left = self.counters.hit(key, self.duration)
        if count <= self.num_requests:
            return True
        self._wait = left
        return False

    def wait(self):
        return self._wait


class PartnerKeyRateThrottle(_WindowThrottle):
    """The key's budget. Counted at authentication (``count_at_authentication``), in the same
    round trip that reads the address' invalid-key counter; the throttle then only decides."""

    scope = "partner_key"

    def get_cache_key(self, request, view):
        key = getattr(request, "auth", None)
        if key is None or not getattr(key, "pk", None):
            return None  # unauthenticated requests are refused before they cost anything
        return self.key_of(key)

    def key_of(self, api_key) -> str:
        return self.cache_format % {"scope": self.scope, "ident": api_key.prefix}

    def count_at_authentication(self, request, api_key) -> None:
        """A valid key was presented: count its request and, in the same round trip, refuse it
        with 429 if its address has presented too many invalid keys (``InvalidKeyThrottle``).
        A refused address learns nothing about the key: the answer is the same 429 as for an
        invalid one."""
        guard = InvalidKeyThrottle()
        key = self.key_of(api_key)
        if self.rate is None:
            guard.refuse_if_blocked(request)
            return
        if guard.rate is None:
            count, left = self.counters.hit(key, self.duration)
        else:
            count, left, failures, blocked_for = self.counters.hit_and_peek(
                key, self.duration, guard.get_cache_key(request)
            )
            if failures >= guard.num_requests:
                raise InvalidKeyThrottled(wait=max(1.0, blocked_for))
        request._partner_key_hit = (key, count, left)

    def allow_request(self, request, view):
        counted = getattr(request, "_partner_key_hit", None)
        if counted is None or self.rate is None:
            return super().allow_request(request, view)
        key, count, left = counted
        if key != self.get_cache_key(request, view):  # another key (cannot happen): count it
            return super().allow_request(request, view)
        if count <= self.num_requests:
            return True
        self._wait = left
        return False


class InvalidKeyThrottled(exceptions.Throttled):
    default_detail = _("Too many invalid API keys from this address.")


class InvalidKeyThrottle(_WindowThrottle):
    """Counts only failures (``failure_record``, after a key was refused); a valid key's
    request reads the counter with its own count (``PartnerKeyRateThrottle``)."""

    scope = "invalid_key"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def refuse_if_blocked(self, request) -> None:
        if self.rate is None:
            return
        count, left = self.counters.peek(self.get_cache_key(request))
        if count >= self.num_requests:
            raise InvalidKeyThrottled(wait=max(1.0, left))

    def failure_record(self, request) -> None:
        """Count one refused key; an address over its budget gets 429 (not 401): past that
        point it cannot tell a right key from a wrong one."""
        if self.rate is None:
            return
        count, left = self.counters.hit(self.get_cache_key(request), self.duration)
        if count > self.num_requests:
            raise InvalidKeyThrottled(wait=max(1.0, left))
