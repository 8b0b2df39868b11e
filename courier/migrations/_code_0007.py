# The code of courier.migrations.0007_dispatch_settings_invalid_abandon_days, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
import os


def abandon_days_from_environment(apps, schema_editor):
    """Until this migration the period came from SHIPMENTS_INVALID_ABANDON_DAYS; a deployment
    that set it keeps its value in the row ops now edit."""
    value = os.environ.get("SHIPMENTS_INVALID_ABANDON_DAYS", "").strip()
    if not value:
        return
    days = int(value)
    if days < 1:
        raise ValueError("SHIPMENTS_INVALID_ABANDON_DAYS must be at least 1")
    settings_model = apps.get_model("courier", "DispatchSettings")
    row, _created = settings_model.objects.get_or_create(pk=1)
    row.invalid_abandon_days = days
    row.save(update_fields=["invalid_abandon_days"])
