"""The domain-free platform under every app: errors, the admin workflow kit, the partner API
platform, partners and keys, the outbox (webhooks, notifications), health, the fast-write layer.

Nothing here imports a domain (``make lint`` checks it with import-linter)."""
