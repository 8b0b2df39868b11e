"""Every write of the shipments domain, one module per concern."""
