"""A fresh database migrates in reasonable time (issue 17: ``make demo`` on a fresh clone).

django-fsm connects a ``class_prepared`` receiver for every FSM field it sets up; a migration run
renders each historical model many times, and the receivers piled up until every new model class
paid for all of them. ``courier.core.fastwrite.fsm_migration_speedup_install`` keeps the FSM
fields of historical models plain. ``migration_state_speedup_install`` renders only the new model
on ``CreateModel``, keeps a migration state's registry cache its own and does not call the
receivers that ignore a state's classes (see the module's docstring)."""

from django.apps import apps as global_apps
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ModelState, ProjectState
from django.db.models.signals import class_prepared


def project_state() -> ProjectState:
    return MigrationLoader(None, ignore_no_migrations=True).project_state()


def test_rendering_the_migration_state_connects_no_receiver():
    """PLT-13: rendering every historical model of the project adds no ``class_prepared``
    receiver."""
    state = project_state()
    before = len(class_prepared.receivers)
    assert len(state.apps.get_models()) > 100
    assert len(class_prepared.receivers) == before


def test_create_model_renders_the_new_model_only():
    """PLT-13: a ``CreateModel`` pointing at the user model renders one class, not every model
    related to the user model; the user model still sees the new model as a reverse relation."""
    state = project_state()
    rendered = {id(m) for m in state.apps.get_models(include_auto_created=True)}
    user_before = state.apps.get_model("auth", "User")
    migrations.CreateModel(
        "Probe",
        [
            ("id", models.BigAutoField(primary_key=True)),
            ("user", models.ForeignKey("auth.User", models.CASCADE, related_name="probes")),
        ],
    ).state_forwards("courier", state)
    after = state.apps.get_models(include_auto_created=True)
    assert [m._meta.label for m in after if id(m) not in rendered] == ["courier.Probe"]
    user = state.apps.get_model("auth", "User")
    assert user is user_before
    probe = state.apps.get_model("courier", "Probe")
    assert probe._meta.get_field("user").related_model is user
    assert user._meta.get_field("probes").related_model is probe


def test_a_state_registry_leaves_the_project_registry_cache_alone():
    """PLT-13: changing a migration state's registry does not empty the project registry's
    ``get_models`` cache (``functools.cache`` is one cache for every registry)."""
    global_apps.get_models()
    hits = global_apps.get_models.cache_info().hits
    state = project_state()
    state.apps.register_model(
        "courier",
        ModelState("courier", "Probe2", [("id", models.BigAutoField(primary_key=True))]).render(
            state.apps
        ),
    )
    global_apps.get_models()
    assert global_apps.get_models.cache_info().hits == hits + 1
    assert "Probe2" in {m.__name__ for m in state.apps.get_models()}


def test_state_classes_skip_only_receivers_that_ignore_them():
    """PLT-13: a receiver connected for any sender still hears about a migration state's
    classes; simple-history's and django-fsm's do not run for them."""
    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender._meta.label)

    class_prepared.connect(receiver)
    try:
        state = project_state()
        state.apps.get_model("complaints", "Complaint")
    finally:
        class_prepared.disconnect(receiver)
    assert "complaints.Complaint" in heard
    assert "complaints.HistoricalComplaint" in heard
