"""ORG-03: the record of full personal values shown, and the two permissions that allow it
(agents: what they handle; the printing desk: the labels it prints), given to the roles."""

# The code lives in _code_0013, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from courier.migrations._code_0013 import resync


class Migration(migrations.Migration):
    dependencies = [
        ("courier", "0012_finance_api_scopes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonalDataReveal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_type", models.CharField(max_length=100, verbose_name="object type")),
                ("object_id", models.CharField(max_length=64, verbose_name="object id")),
                ("field", models.CharField(max_length=64, verbose_name="field")),
                ("view", models.CharField(max_length=32, verbose_name="view")),
                (
                    "revealed_at",
                    models.DateTimeField(
                        auto_now_add=True, db_index=True, verbose_name="revealed at"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "personal data reveal",
                "verbose_name_plural": "personal data reveals",
                "ordering": ["-id"],
                "permissions": [
                    (
                        "reveal_personal_data",
                        "Can see full personal data of the orders, complaints and contacts handled",
                    ),
                    ("print_personal_data", "Can see full personal data on printed labels"),
                ],
                "indexes": [
                    models.Index(fields=["object_type", "object_id"], name="reveal_object")
                ],
            },
        ),
        migrations.RunPython(resync, migrations.RunPython.noop),
    ]
