"""Per-key throttling: each API key has its own budget (``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']``
``partner_key``); 429 with ``Retry-After``. The counters live in the default cache (Redis in
production, files in the demo)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class PartnerKeyRateThrottle(SimpleRateThrottle):
    scope = "partner_key"

    def get_rate(self):
        # Read at request time, so a settings change (or a test override) applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def __init__(self):
        # SimpleRateThrottle reads the rate in __init__; keep that but from live settings.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view):
        key = getattr(request, "auth", None)
        if key is None or not getattr(key, "pk", None):
            return None  # unauthenticated requests are refused before they cost anything
        return self.cache_format % {"scope": self.scope, "ident": key.prefix}
