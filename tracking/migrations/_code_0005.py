# The code of tracking.migrations.0005_close_left_shipments, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""Tracking rows of shipments already recalled, returned, lost or cancelled are closed (from now
on the shipments service closes them at the transition): the sweeps stop chasing them."""


LEFT = ("returning", "returned", "lost", "cancelled")


def close(apps, schema_editor):
    ShipmentTracking = apps.get_model("tracking", "ShipmentTracking")
    ShipmentTracking.objects.filter(active=True, shipment__state__in=LEFT).update(active=False)
