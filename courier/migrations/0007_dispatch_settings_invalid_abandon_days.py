# The code lives in _code_0007, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
import django.core.validators
from django.db import migrations, models

from courier.migrations._code_0007 import abandon_days_from_environment


class Migration(migrations.Migration):

    dependencies = [
        ('courier', '0006_history_indexes_by_id_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='dispatchsettings',
            name='invalid_abandon_days',
            field=models.PositiveSmallIntegerField(default=30, help_text='SHP-11: the nightly clean-up voids never-printed waybills of orders whose verification failed or never finished and that nobody touched for this long.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='void waybills of invalid orders untouched for (days)'),
        ),
        migrations.AddField(
            model_name='historicaldispatchsettings',
            name='invalid_abandon_days',
            field=models.PositiveSmallIntegerField(default=30, help_text='SHP-11: the nightly clean-up voids never-printed waybills of orders whose verification failed or never finished and that nobody touched for this long.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='void waybills of invalid orders untouched for (days)'),
        ),
        migrations.RunPython(abandon_days_from_environment, migrations.RunPython.noop),
    ]
