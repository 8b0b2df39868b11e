"""Models of the staffing app, one module per concern; each module adds its own import line."""

from .people import Department, Employee, Position

__all__ = ["Department", "Employee", "Position"]
