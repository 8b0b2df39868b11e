"""Pure rule arithmetic of the staffing app (no database)."""
