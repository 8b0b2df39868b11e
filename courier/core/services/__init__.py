"""Every write of the platform, one module per concern."""
