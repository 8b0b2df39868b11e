"""A fresh database migrates in reasonable time (issue 17: ``make demo`` on a fresh clone).

django-fsm connects a ``class_prepared`` receiver for every FSM field it sets up; a migration run
renders each historical model many times, and the receivers piled up until every new model class
paid for all of them. ``courier.core.fastwrite.fsm_migration_speedup_install`` keeps the FSM
fields of historical models plain."""

from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import class_prepared


def test_rendering_the_migration_state_connects_no_receiver():
    """Rendering every historical model of the project adds no ``class_prepared`` receiver."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    before = len(class_prepared.receivers)
    assert len(state.apps.get_models()) > 100
    assert len(class_prepared.receivers) == before
