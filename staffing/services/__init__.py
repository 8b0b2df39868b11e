"""Every write of the staffing app, one module per concern."""
