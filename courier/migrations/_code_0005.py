# The code of courier.migrations.0005_shipments_permissions_and_settings, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.

def seed_dispatch_settings(apps, schema_editor):
    """SHP-08 defaults: same-day cut-off 16:00, made-to-order within 48 hours."""
    import datetime

    DispatchSettings = apps.get_model("courier", "DispatchSettings")
    DispatchSettings.objects.get_or_create(
        pk=1, defaults={"cutoff_time": datetime.time(16, 0), "made_to_order_hours": 48}
    )
