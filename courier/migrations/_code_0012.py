# The code of courier.migrations.0012_finance_api_scopes, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""The finance endpoints asked for ``shipments:read``/``shipments:write`` until the scope
catalogue had ``finance:read``/``finance:write``. Every existing key that carries a shipments
scope gets the matching finance scope, so no key loses an operation it had; keys made from now
on get finance access only when it is asked for."""


GRANTS = {"shipments:read": "finance:read", "shipments:write": "finance:write"}


def grant(apps, schema_editor):
    Key = apps.get_model("courier", "PartnerAPIKey")
    for key in Key.objects.all().only("pk", "scopes"):
        scopes = list(key.scopes or [])
        added = [new for old, new in GRANTS.items() if old in scopes and new not in scopes]
        if added:
            key.scopes = sorted({*scopes, *added})
            key.save(update_fields=["scopes"])
