# The code lives in _code_0008, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations, models

from complaints.migrations._code_0008 import forwards


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0007_call_records_and_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="holder_paused_seconds",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="complaint",
            name="holder_resolve_by",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="solve by (current holder)"
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="holder_respond_by",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="respond by (current holder)"
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="resolution_hq_missed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="complaint",
            name="response_hq_missed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalcomplaint",
            name="holder_paused_seconds",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="historicalcomplaint",
            name="holder_resolve_by",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="solve by (current holder)"
            ),
        ),
        migrations.AddField(
            model_name="historicalcomplaint",
            name="holder_respond_by",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="respond by (current holder)"
            ),
        ),
        migrations.AddField(
            model_name="historicalcomplaint",
            name="resolution_hq_missed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalcomplaint",
            name="response_hq_missed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="complaintsettings",
            name="same_day_cutoff",
            field=models.TimeField(
                blank=True,
                default=None,
                help_text="Empty (the default): a same-day deadline is the end of the local day the complaint was received. Set: received at or after this local time, it is the next day's end.",
                null=True,
                verbose_name="same-day cut-off",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcomplaintsettings",
            name="same_day_cutoff",
            field=models.TimeField(
                blank=True,
                default=None,
                help_text="Empty (the default): a same-day deadline is the end of the local day the complaint was received. Set: received at or after this local time, it is the next day's end.",
                null=True,
                verbose_name="same-day cut-off",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
