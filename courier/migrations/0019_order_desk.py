# The code lives in _code_0019, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
import datetime
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from courier.migrations._code_0019 import seed


class Migration(migrations.Migration):
    dependencies = [
        ("courier", "0018_returns_photo_waiver_and_parcel_followups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalOrderRemark",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(verbose_name="remark")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("note", "Note"),
                            ("modification", "Modification"),
                            ("special", "Special request"),
                            ("cancellation", "Cancellation"),
                        ],
                        default="note",
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("red_flag", models.BooleanField(default=False, verbose_name="red flag")),
                (
                    "request_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("carrier", "Choice of courier"),
                            ("invoice", "Invoice (title)"),
                            ("card", "Greeting card (text)"),
                            ("time", "Delivery time slot"),
                            ("other", "Other"),
                        ],
                        max_length=8,
                        verbose_name="request",
                    ),
                ),
                (
                    "desk_notice_required",
                    models.BooleanField(default=False, verbose_name="printing desk to be told"),
                ),
                (
                    "confirmed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="confirmed with the customer at"
                    ),
                ),
                (
                    "confirmed_via",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("chat", "Chat (Wangwang)"),
                            ("phone", "Phone"),
                            ("sms", "SMS"),
                            ("in_person", "In person"),
                            ("partner", "Partner system"),
                        ],
                        max_length=10,
                        verbose_name="confirmed via",
                    ),
                ),
                (
                    "confirmation_note",
                    models.CharField(blank=True, max_length=300, verbose_name="confirmation note"),
                ),
                (
                    "passed_to_desk_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="passed to the printing desk at"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created at"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical order remark",
                "verbose_name_plural": "historical order remarks",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRefundTask",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("stage", models.CharField(max_length=16, verbose_name="stage when cancelled")),
                ("text", models.CharField(max_length=300, verbose_name="task")),
                ("due_at", models.DateTimeField(db_index=True, verbose_name="due at")),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "Open"), ("done", "Refund handled")],
                        default="open",
                        max_length=8,
                        verbose_name="state",
                    ),
                ),
                (
                    "done_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="refund handled at"),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "disposition",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("destroyed", "Papers torn up"),
                            ("restocked", "Goods returned to stock"),
                        ],
                        max_length=10,
                        verbose_name="retrieved papers / goods",
                    ),
                ),
                (
                    "disposed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="disposed at"),
                ),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created at"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical refund task",
                "verbose_name_plural": "historical refund tasks",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRemarkTemplate",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        choices=[
                            ("goods", "goods"),
                            ("address", "address"),
                            ("field", "field"),
                            ("printed", "printed"),
                            ("special_carrier", "special_carrier"),
                            ("special_invoice", "special_invoice"),
                            ("special_card", "special_card"),
                            ("special_time", "special_time"),
                            ("special_other", "special_other"),
                            ("desk_modified", "desk_modified"),
                            ("desk_reprint", "desk_reprint"),
                            ("desk_special", "desk_special"),
                            ("desk_void", "desk_void"),
                            ("refund_task", "refund_task"),
                            ("warehouse_stock", "warehouse_stock"),
                        ],
                        db_index=True,
                        max_length=32,
                        verbose_name="key",
                    ),
                ),
                ("text", models.CharField(max_length=300, verbose_name="text")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical remark template",
                "verbose_name_plural": "historical remark templates",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTransportModeRule",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "priority",
                    models.PositiveSmallIntegerField(default=100, verbose_name="priority"),
                ),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("road", "Road"),
                            ("air", "Air"),
                            ("rail", "Rail"),
                            ("sea", "Sea"),
                        ],
                        max_length=8,
                        verbose_name="transport mode",
                    ),
                ),
                (
                    "ground",
                    models.CharField(
                        choices=[
                            ("cost", "Cost"),
                            ("time", "Time"),
                            ("safety", "Safety"),
                            ("customer", "Customer's requirement"),
                        ],
                        max_length=10,
                        verbose_name="ground",
                    ),
                ),
                (
                    "max_hours_to_arrival",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="required arrival within (hours)"
                    ),
                ),
                (
                    "min_weight_kg",
                    models.DecimalField(
                        blank=True,
                        decimal_places=3,
                        max_digits=9,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="weight from (kg)",
                    ),
                ),
                (
                    "max_weight_kg",
                    models.DecimalField(
                        blank=True,
                        decimal_places=3,
                        max_digits=9,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="weight up to (kg)",
                    ),
                ),
                (
                    "fragile",
                    models.BooleanField(blank=True, null=True, verbose_name="fragile goods"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical transport mode rule",
                "verbose_name_plural": "historical transport mode rules",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PrintBatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("daily", "Daily print batch"), ("exchange", "Exchange batch")],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("batch_date", models.DateField(verbose_name="batch date")),
                (
                    "signed_name",
                    models.CharField(blank=True, max_length=100, verbose_name="signature"),
                ),
                ("signed_at", models.DateTimeField(auto_now_add=True, verbose_name="signed at")),
                (
                    "stored_at",
                    models.CharField(blank=True, max_length=100, verbose_name="stored at"),
                ),
                ("print_deadline", models.TimeField(verbose_name="print deadline")),
                (
                    "late_count",
                    models.PositiveIntegerField(
                        default=0, verbose_name="printed after the deadline"
                    ),
                ),
            ],
            options={
                "verbose_name": "print batch",
                "verbose_name_plural": "print batches",
                "ordering": ["-batch_date", "kind"],
            },
        ),
        migrations.CreateModel(
            name="RefundTask",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stage", models.CharField(max_length=16, verbose_name="stage when cancelled")),
                ("text", models.CharField(max_length=300, verbose_name="task")),
                ("due_at", models.DateTimeField(db_index=True, verbose_name="due at")),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "Open"), ("done", "Refund handled")],
                        default="open",
                        max_length=8,
                        verbose_name="state",
                    ),
                ),
                (
                    "done_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="refund handled at"),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "disposition",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("destroyed", "Papers torn up"),
                            ("restocked", "Goods returned to stock"),
                        ],
                        max_length=10,
                        verbose_name="retrieved papers / goods",
                    ),
                ),
                (
                    "disposed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="disposed at"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={
                "verbose_name": "refund task",
                "verbose_name_plural": "refund tasks",
                "ordering": ["state", "due_at"],
            },
        ),
        migrations.CreateModel(
            name="RemarkTemplate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        choices=[
                            ("goods", "goods"),
                            ("address", "address"),
                            ("field", "field"),
                            ("printed", "printed"),
                            ("special_carrier", "special_carrier"),
                            ("special_invoice", "special_invoice"),
                            ("special_card", "special_card"),
                            ("special_time", "special_time"),
                            ("special_other", "special_other"),
                            ("desk_modified", "desk_modified"),
                            ("desk_reprint", "desk_reprint"),
                            ("desk_special", "desk_special"),
                            ("desk_void", "desk_void"),
                            ("refund_task", "refund_task"),
                            ("warehouse_stock", "warehouse_stock"),
                        ],
                        max_length=32,
                        unique=True,
                        verbose_name="key",
                    ),
                ),
                ("text", models.CharField(max_length=300, verbose_name="text")),
            ],
            options={
                "verbose_name": "remark template",
                "verbose_name_plural": "remark templates",
                "ordering": ["key"],
            },
        ),
        migrations.CreateModel(
            name="StockConfirmation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("in_stock", models.BooleanField(verbose_name="in stock")),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "confirmed_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="confirmed at"),
                ),
            ],
            options={
                "verbose_name": "stock confirmation",
                "verbose_name_plural": "stock confirmations",
                "ordering": ["-id"],
            },
        ),
        migrations.CreateModel(
            name="TransportChoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("road", "Road"),
                            ("air", "Air"),
                            ("rail", "Rail"),
                            ("sea", "Sea"),
                        ],
                        max_length=8,
                        verbose_name="transport mode",
                    ),
                ),
                (
                    "ground",
                    models.CharField(
                        choices=[
                            ("cost", "Cost"),
                            ("time", "Time"),
                            ("safety", "Safety"),
                            ("customer", "Customer's requirement"),
                        ],
                        max_length=10,
                        verbose_name="ground",
                    ),
                ),
                ("reason", models.CharField(max_length=300, verbose_name="reason")),
                (
                    "suggested_mode",
                    models.CharField(
                        choices=[
                            ("road", "Road"),
                            ("air", "Air"),
                            ("rail", "Rail"),
                            ("sea", "Sea"),
                        ],
                        max_length=8,
                        verbose_name="suggested mode",
                    ),
                ),
                ("chosen_at", models.DateTimeField(auto_now_add=True, verbose_name="chosen at")),
            ],
            options={
                "verbose_name": "transport mode choice",
                "verbose_name_plural": "transport mode choices",
                "ordering": ["-id"],
            },
        ),
        migrations.CreateModel(
            name="TransportModeRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "priority",
                    models.PositiveSmallIntegerField(default=100, verbose_name="priority"),
                ),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("road", "Road"),
                            ("air", "Air"),
                            ("rail", "Rail"),
                            ("sea", "Sea"),
                        ],
                        max_length=8,
                        verbose_name="transport mode",
                    ),
                ),
                (
                    "ground",
                    models.CharField(
                        choices=[
                            ("cost", "Cost"),
                            ("time", "Time"),
                            ("safety", "Safety"),
                            ("customer", "Customer's requirement"),
                        ],
                        max_length=10,
                        verbose_name="ground",
                    ),
                ),
                (
                    "max_hours_to_arrival",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="required arrival within (hours)"
                    ),
                ),
                (
                    "min_weight_kg",
                    models.DecimalField(
                        blank=True,
                        decimal_places=3,
                        max_digits=9,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="weight from (kg)",
                    ),
                ),
                (
                    "max_weight_kg",
                    models.DecimalField(
                        blank=True,
                        decimal_places=3,
                        max_digits=9,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="weight up to (kg)",
                    ),
                ),
                (
                    "fragile",
                    models.BooleanField(blank=True, null=True, verbose_name="fragile goods"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
            ],
            options={
                "verbose_name": "transport mode rule",
                "verbose_name_plural": "transport mode rules",
                "ordering": ["priority", "id"],
            },
        ),
        migrations.AddField(
            model_name="dispatchsettings",
            name="print_deadline",
            field=models.TimeField(
                default=datetime.time(17, 0),
                help_text="D1: the day's orders are printed by this time of day.",
                verbose_name="daily print deadline",
            ),
        ),
        migrations.AddField(
            model_name="dispatchsettings",
            name="refund_task_hours",
            field=models.PositiveSmallIntegerField(
                default=24,
                help_text="SHP-07: after-sales handles the refund of a voided order within this.",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="refund after a void due within (hours)",
            ),
        ),
        migrations.AddField(
            model_name="historicaldispatchsettings",
            name="print_deadline",
            field=models.TimeField(
                default=datetime.time(17, 0),
                help_text="D1: the day's orders are printed by this time of day.",
                verbose_name="daily print deadline",
            ),
        ),
        migrations.AddField(
            model_name="historicaldispatchsettings",
            name="refund_task_hours",
            field=models.PositiveSmallIntegerField(
                default=24,
                help_text="SHP-07: after-sales handles the refund of a voided order within this.",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="refund after a void due within (hours)",
            ),
        ),
        migrations.AddField(
            model_name="historicalorder",
            name="urgent",
            field=models.BooleanField(default=False, verbose_name="urgent"),
        ),
        migrations.AddField(
            model_name="historicalorderline",
            name="colour",
            field=models.CharField(blank=True, max_length=40, verbose_name="colour"),
        ),
        migrations.AddField(
            model_name="historicalorderline",
            name="size",
            field=models.CharField(blank=True, max_length=40, verbose_name="size"),
        ),
        migrations.AddField(
            model_name="historicalorderline",
            name="specification",
            field=models.CharField(blank=True, max_length=100, verbose_name="specification"),
        ),
        migrations.AddField(
            model_name="order",
            name="urgent",
            field=models.BooleanField(default=False, verbose_name="urgent"),
        ),
        migrations.AddField(
            model_name="orderline",
            name="colour",
            field=models.CharField(blank=True, max_length=40, verbose_name="colour"),
        ),
        migrations.AddField(
            model_name="orderline",
            name="size",
            field=models.CharField(blank=True, max_length=40, verbose_name="size"),
        ),
        migrations.AddField(
            model_name="orderline",
            name="specification",
            field=models.CharField(blank=True, max_length=100, verbose_name="specification"),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="confirmation_note",
            field=models.CharField(blank=True, max_length=300, verbose_name="confirmation note"),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="confirmed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="confirmed with the customer at"
            ),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="confirmed by",
            ),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="confirmed_via",
            field=models.CharField(
                blank=True,
                choices=[
                    ("chat", "Chat (Wangwang)"),
                    ("phone", "Phone"),
                    ("sms", "SMS"),
                    ("in_person", "In person"),
                    ("partner", "Partner system"),
                ],
                max_length=10,
                verbose_name="confirmed via",
            ),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="desk_instruction",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="remarks",
                to="courier.deskinstruction",
                verbose_name="passed on by",
            ),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="desk_notice_required",
            field=models.BooleanField(default=False, verbose_name="printing desk to be told"),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="kind",
            field=models.CharField(
                choices=[
                    ("note", "Note"),
                    ("modification", "Modification"),
                    ("special", "Special request"),
                    ("cancellation", "Cancellation"),
                ],
                default="note",
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="passed_to_desk_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="passed to the printing desk at"
            ),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="red_flag",
            field=models.BooleanField(default=False, verbose_name="red flag"),
        ),
        migrations.AddField(
            model_name="orderremark",
            name="request_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("carrier", "Choice of courier"),
                    ("invoice", "Invoice (title)"),
                    ("card", "Greeting card (text)"),
                    ("time", "Delivery time slot"),
                    ("other", "Other"),
                ],
                max_length=8,
                verbose_name="request",
            ),
        ),
        migrations.AddIndex(
            model_name="orderremark",
            index=models.Index(
                fields=["desk_notice_required", "passed_to_desk_at"],
                name="courier_ord_desk_no_80d02e_idx",
            ),
        ),
        migrations.AddField(
            model_name="historicalorderremark",
            name="author",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="author",
            ),
        ),
        migrations.AddField(
            model_name="historicalorderremark",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="confirmed by",
            ),
        ),
        migrations.AddField(
            model_name="historicalorderremark",
            name="desk_instruction",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="courier.deskinstruction",
                verbose_name="passed on by",
            ),
        ),
        migrations.AddField(
            model_name="historicalorderremark",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalorderremark",
            name="order",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="courier.order",
                verbose_name="order",
            ),
        ),
        migrations.AddField(
            model_name="historicalrefundtask",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AddField(
            model_name="historicalrefundtask",
            name="disposed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="disposed by",
            ),
        ),
        migrations.AddField(
            model_name="historicalrefundtask",
            name="done_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="refund handled by",
            ),
        ),
        migrations.AddField(
            model_name="historicalrefundtask",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalrefundtask",
            name="order",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="courier.order",
                verbose_name="order",
            ),
        ),
        migrations.AddField(
            model_name="historicalrefundtask",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.AddField(
            model_name="historicalrefundtask",
            name="shipment",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="courier.shipment",
                verbose_name="shipment",
            ),
        ),
        migrations.AddField(
            model_name="historicalremarktemplate",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaltransportmoderule",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="printbatch",
            name="shipments",
            field=models.ManyToManyField(
                related_name="print_batches", to="courier.shipment", verbose_name="shipments"
            ),
        ),
        migrations.AddField(
            model_name="printbatch",
            name="signed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recorded by",
            ),
        ),
        migrations.AddField(
            model_name="refundtask",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AddField(
            model_name="refundtask",
            name="disposed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="disposed by",
            ),
        ),
        migrations.AddField(
            model_name="refundtask",
            name="done_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="refund handled by",
            ),
        ),
        migrations.AddField(
            model_name="refundtask",
            name="order",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="courier.order",
                verbose_name="order",
            ),
        ),
        migrations.AddField(
            model_name="refundtask",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.AddField(
            model_name="refundtask",
            name="shipment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="refund_tasks",
                to="courier.shipment",
                verbose_name="shipment",
            ),
        ),
        migrations.AddField(
            model_name="stockconfirmation",
            name="confirmed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="confirmed by",
            ),
        ),
        migrations.AddField(
            model_name="stockconfirmation",
            name="order",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="stock_confirmations",
                to="courier.order",
                verbose_name="order",
            ),
        ),
        migrations.AddField(
            model_name="transportchoice",
            name="chosen_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="chosen by",
            ),
        ),
        migrations.AddField(
            model_name="transportchoice",
            name="order",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="transport_choices",
                to="courier.order",
                verbose_name="order",
            ),
        ),
        migrations.AddConstraint(
            model_name="printbatch",
            constraint=models.UniqueConstraint(
                fields=("kind", "batch_date"), name="printbatch_kind_day"
            ),
        ),
        migrations.AddConstraint(
            model_name="printbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "daily"), _negated=True),
                    models.Q(("signed_name", ""), _negated=True),
                    _connector="OR",
                ),
                name="printbatch_daily_signed",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
