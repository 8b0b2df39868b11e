"""A6 / A9 (issue 13 point 10): the documented cancel conditions as data, and the rule texts
corrected where the first seed left a condition out or misread it.

- A6 is cancelled when the customer later agrees to bear half of the collect freight; the
  original speaks of a freight-collect parcel (到付件), not cash on delivery.
- A9 is cancelled when the goods are recovered *or* the customer agrees to pay the goods' full
  price (the first seed had only the recovery).

Only missing conditions are added; a rule text is corrected only while it is still the first
seed's wording (ops' edits are kept)."""

# The code lives in _code_0010, shared with the squashed migration that replaces this one
# (docs/architecture.md, "Squashed migrations"): one copy to fix.
from django.db import migrations

from staffing.migrations._code_0010 import seed


class Migration(migrations.Migration):
    dependencies = [("staffing", "0009_score_cancel_conditions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
