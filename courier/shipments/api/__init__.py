"""Partner API of the shipments domain: /api/v1/shipments/ and /api/v1/returns/."""
