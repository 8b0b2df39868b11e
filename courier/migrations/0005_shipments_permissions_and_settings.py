# The code lives in _code_0005, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from courier.migrations._code_0005 import seed_dispatch_settings


class Migration(migrations.Migration):

    dependencies = [
        ('courier', '0004_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='returnrequest',
            options={'ordering': ['-id'], 'permissions': [('approve_early_dispatch', 'Can approve shipping an exchange before the return'), ('sign_goods_inspection', 'Can inspect returned goods (warehouse)')], 'verbose_name': 'return / exchange', 'verbose_name_plural': 'returns and exchanges'},
        ),
        migrations.RunPython(seed_dispatch_settings, migrations.RunPython.noop),
    ]
