"""Tracking rows of shipments already recalled, returned, lost or cancelled are closed (from now
on the shipments service closes them at the transition): the sweeps stop chasing them."""

from django.db import migrations

LEFT = ("returning", "returned", "lost", "cancelled")


def close(apps, schema_editor):
    ShipmentTracking = apps.get_model("tracking", "ShipmentTracking")
    ShipmentTracking.objects.filter(active=True, shipment__state__in=LEFT).update(active=False)


class Migration(migrations.Migration):
    dependencies = [("tracking", "0004_event_archive")]

    operations = [migrations.RunPython(close, migrations.RunPython.noop)]
