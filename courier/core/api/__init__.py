"""The partner API platform: key authentication, scopes, throttling, pagination, the one error
format, idempotency, the schema, and the base every endpoint is built on (``base.py``)."""
