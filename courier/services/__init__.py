"""Every write of the courier app, one module per concern."""
