"""The client's address, read the same way everywhere (the login lockout, the API throttles).

``REMOTE_ADDR``; behind ``NUM_PROXIES`` trusted proxies (``REST_FRAMEWORK["NUM_PROXIES"]``), the
address the nearest of them put in ``X-Forwarded-For`` (a client-sent header is never trusted
further than that)."""

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    return BaseThrottle().get_ident(request) or ""
