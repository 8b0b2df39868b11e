"""Partner API of the finance domain: /api/v1/quotes/, /api/v1/statements/, /api/v1/ledger/."""
