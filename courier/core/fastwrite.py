"""The fast-write layer: the one module that touches private Django and simple-history internals.

It is fenced: ``FENCED_FOR`` names the versions it was written and tested against, the system
check ``courier.W001`` warns when the installed ones differ, and
``tests/courier/test_fastwrite_fence.py`` fails loudly, naming each internal it relies on, when
an upgrade changes them. Nothing else in the project writes private ORM attributes.

Three things live here:

1. ``rows_pks_allocate`` / ``rows_create_with_history``: insert a small graph of new rows, with
   their history, in as few database round trips as possible (uses ``InsertQuery`` and
   ``Model._prepare_related_fields_for_save``).
2. ``prefetched_cache_set``: remember rows just written as a relation's prefetched result, so the
   caller answers without reading them back (writes ``QuerySet._result_cache``).
3. ``history_descriptor_speedup_install``: build ``Model.history``'s manager class once instead
   of on every access (replaces ``HistoryDescriptor.__get__``).
4. ``fsm_migration_speedup_install``: an ``FSMField`` of a migration's historical model (rendered
   in a migration state's own app registry) stays a plain field. django-fsm connects a
   ``class_prepared`` receiver for every FSM field it sets up and never disconnects it; a
   migration run renders each model many times, so the receivers piled up and every later model
   class paid for all of them (``migrate`` on a fresh database: 264 s of CPU, most of it in
   ``Signal.send``). Transitions are never called on historical models.
5. ``migration_state_speedup_install``: three more costs of rendering a migration state, each
   paid once per model class rendered (a fresh ``migrate`` renders about 50,000 of them):
   - ``ProjectState.add_model`` re-renders, besides the new model, every model related to the
     ones it points at, recursively; every historical model points at the user model, so each
     ``CreateModel`` re-rendered nearly the whole project. A model new to the state has no class
     pointing at it yet, so only it is rendered (the registry's cache reset gives the models it
     points at their new reverse relations).
   - ``Apps.get_models`` and ``Apps.get_swappable_settings_name`` are ``functools.cache``-d
     methods, whose one cache is shared by every registry: each change to a migration state's
     registry emptied the project registry's cache too, and every related field's
     ``deconstruct`` then walked all models again. A migration state's registry (``StateApps``)
     keeps its own ``get_models`` cache and leaves the shared one alone.
   - ``class_prepared`` has a receiver per history-tracked model (simple-history's
     ``finalize``) and per FSM field (django-fsm's ``_collect_transitions``), each of which
     returns at once for a class that does not inherit from its project model, as a migration
     state's classes never do; for those classes they are not called.

Insert a small graph of new rows, with their history, in as few database round trips as possible.
Taking an order in writes an order, its goods lines, any order exceptions and the waybill, and a
``+`` history row for each: eight statements, each a round trip when saved one by one. On
PostgreSQL this module takes the primary keys from the tables' sequences in one query, so the
caller can link the rows before anything is written, then sends every INSERT (rows and history)
as one multi-statement query. PostgreSQL runs such a query as a single transaction, so it is all
or nothing even outside ``transaction.atomic``; inside one the query starts with a savepoint
(``SAVEPOINT ...; INSERT ...``, no round trip of its own, released by the caller's commit), rolled
back to on failure, so a failure (a duplicate reference, say) leaves the caller's transaction
usable.

Elsewhere (SQLite is in-process, round trips cost nothing) the rows are inserted group by group
in a transaction. Either way the rows go in through the ORM's own INSERTs (field ``pre_save``,
such as ``auto_now``, included), and each history row is copied from its row as stored
(``INSERT ... SELECT``) with the date, reason, type and user django-simple-history would add.
On PostgreSQL the values are bound into the text with psycopg's own quoting (``mogrify``),
which is what Django's client-side binding does for every query there anyway.
No ``save()`` overrides and no ``post_save`` signals run: callers set derived fields themselves.
"""

import weakref
from collections.abc import Sequence

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from django.db.models import AutoField, Model
from django.db.models.sql import InsertQuery
from django.utils import timezone
from simple_history.manager import HistoryDescriptor

# The versions (major.minor) whose internals this module was written and tested against.
FENCED_FOR = {"django": "5.2", "django-simple-history": "3.13", "django-fsm-2": "4.2"}


def fence_versions_mismatched() -> dict[str, tuple[str, str]]:
    """``{package: (fenced, installed)}`` for each package whose installed major.minor differs."""
    from importlib.metadata import version

    mismatched = {}
    for package, fenced in FENCED_FOR.items():
        installed = ".".join(version(package).split(".")[:2])
        if installed != fenced:
            mismatched[package] = (fenced, installed)
    return mismatched


def rows_pks_allocate(
    groups: Sequence[Sequence[Model]], lookup: tuple[str, Sequence] | None = None
):
    """Give every row of ``groups`` (lists of unsaved rows, one model per list) its primary key
    now, so rows can point at each other before they are inserted (PostgreSQL; elsewhere keys are
    left to the insert, which links rows in group order).

    ``groups`` holds at least one row. ``lookup``, ``(sql, params)`` of a query answering at
    most one value, is answered in the same round trip: its value, or None, is returned (the
    caller's "does this already exist?")."""
    groups = [g for g in groups if g]
    connection = connections[router.db_for_write(type(groups[0][0]))]
    if connection.vendor != "postgresql":
        if lookup is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(*lookup)
            row = cursor.fetchone()
        return row[0] if row else None
    qn = connection.ops.quote_name
    selects, params = [], []
    for group in groups:
        opts = type(group[0])._meta
        selects.append(
            "ARRAY(SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s))"
        )
        params += [qn(opts.db_table), opts.pk.column, len(group)]
    if lookup is not None:
        selects.append(f"({lookup[0]})")
        params += list(lookup[1])
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = cursor.fetchone()
    for group, pks in zip(groups, row, strict=False):
        for obj, pk in zip(group, pks, strict=True):
            obj.pk = pk
    return row[-1] if lookup is not None else None


_SAVEPOINT = "courier_fastwrite"


def rows_create_with_history(groups: Sequence[Sequence[Model]], *, user) -> None:
    """Insert ``groups`` (parents before children) and a ``+`` history row for each row of a
    model with history. Raises IntegrityError with nothing written."""
    groups = [list(g) for g in groups if g]
    if not groups:
        return
    using = router.db_for_write(type(groups[0][0]))
    connection = connections[using]
    now = timezone.now()
    batched = connection.vendor == "postgresql" and all(o.pk is not None for g in groups for o in g)
    if not batched:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            for group in groups:
                type(group[0])._default_manager.db_manager(using).bulk_create(group)
                history = _history_insert_sql(group, user, now, connection)
                if history:
                    cursor.execute(*history)
        return
    from psycopg import ClientCursor  # the batched path is PostgreSQL's only

    connection.ensure_connection()
    mogrify = ClientCursor(connection.connection).mogrify
    statements = []
    with connection.wrap_database_errors:  # a value psycopg cannot bind: Django's DataError
        for group in groups:
            for obj in group:
                obj._prepare_related_fields_for_save(operation_name="rows_create_with_history")
            statements.append(mogrify(*_insert_sql(group, using)))
        for group in groups:
            history = _history_insert_sql(group, user, now, connection)
            if history:
                statements.append(mogrify(*history))
    sql = ";\n".join(statements)
    with connection.cursor() as cursor:
        if not connection.in_atomic_block:  # the one query is its own transaction
            cursor.execute(sql)
        else:
            # Inside a transaction a failure must leave it usable: a savepoint taken by the same
            # query (not a round trip of its own) is rolled back to on failure; on success the
            # caller's COMMIT (or its enclosing savepoint's RELEASE) releases it.
            try:
                cursor.execute(f"SAVEPOINT {_SAVEPOINT};\n{sql}")
            except DatabaseError:
                cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
                raise
    for group in groups:
        for obj in group:
            obj._state.adding = False
            obj._state.db = using


def _insert_sql(objs: list[Model], using: str) -> tuple[str, list]:
    """The ORM's own INSERT of ``objs``, without RETURNING."""
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    if objs[0].pk is None:
        fields = [f for f in fields if not isinstance(f, AutoField)]
    query = InsertQuery(model)
    query.insert_values(fields, objs, raw=False)
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = None
    (sql, params), *rest = compiler.as_sql()
    if rest:
        raise RuntimeError("expected one INSERT statement per group")
    return sql, list(params)


def _history_insert_sql(group: list[Model], user, now, connection) -> tuple[str, list] | None:
    """``+`` history rows for ``group`` copied from the rows as stored (``INSERT ... SELECT``),
    with what django-simple-history adds: date, change reason, type and user. None for a model
    without history."""
    model = type(group[0])
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager_name is None or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    actors = {(getattr(o, "_history_user", user), getattr(o, "_change_reason", "")) for o in group}
    if len(actors) != 1:
        raise ValueError("one history user and change reason per group")
    [(actor, reason)] = actors
    template = _history_template(model, manager_name, connection, len(group))
    ids = [obj.pk for obj in group]
    return template, [now, reason or None, "+", getattr(actor, "pk", None), *ids]


# (model, database, rows) -> the history INSERT ... SELECT: the same text for every call
_HISTORY_TEMPLATES: dict[tuple, str] = {}


def _history_template(model, manager_name: str, connection, n: int) -> str:
    key = (model, connection.alias, n)
    template = _HISTORY_TEMPLATES.get(key)
    if template is None:
        qn = connection.ops.quote_name
        history = getattr(model, manager_name).model._meta
        tracked = [
            history.get_field(f.name) for f in getattr(model, manager_name).model.tracked_fields
        ]
        source = [qn(model._meta.get_field(f.name).column) for f in tracked]
        target = [qn(f.column) for f in tracked] + [
            qn(history.get_field(name).column)
            for name in ("history_date", "history_change_reason", "history_type", "history_user")
        ]
        template = (
            f"INSERT INTO {qn(history.db_table)} ({', '.join(target)}) "
            f"SELECT {', '.join(source)}, %s, %s, %s, %s FROM {qn(model._meta.db_table)} "
            f"WHERE {qn(model._meta.pk.column)} IN ({', '.join(['%s'] * n)})"
        )
        _HISTORY_TEMPLATES[key] = template
    return template


# --- Model.history, cheap to reach -------------------------------------------------------------
# django-simple-history (3.x) builds a new manager class with ``Manager.from_queryset`` on every
# access of ``Model.history``, and reaches that descriptor for every historical row it writes;
# ``from_queryset`` introspects the queryset class each time (``inspect.getmembers``). The class
# is the same every time, so it is built once per descriptor and reused.


def _history_descriptor_get(self, instance, owner):
    manager_class = self.__dict__.get("_manager_class_built")
    if manager_class is None:
        manager_class = self.manager_class.from_queryset(self.queryset_class)
        self._manager_class_built = manager_class
    return manager_class(self.model, instance)


def history_descriptor_speedup_install() -> None:
    HistoryDescriptor.__get__ = _history_descriptor_get


def fsm_migration_speedup_install() -> None:
    from django.apps import apps as global_apps
    from django_fsm import FSMFieldMixin

    if getattr(FSMFieldMixin.contribute_to_class, "_courier_speedup", False):
        return
    original = FSMFieldMixin.contribute_to_class

    def contribute_to_class(self, cls, name, private_only=False, **kwargs):
        if cls._meta.apps is global_apps:
            return original(self, cls, name, private_only=private_only, **kwargs)
        # A migration state's historical model: the concrete field's own setup only.
        return super(FSMFieldMixin, self).contribute_to_class(
            cls, name, private_only=private_only, **kwargs
        )

    contribute_to_class._courier_speedup = True
    FSMFieldMixin.contribute_to_class = contribute_to_class


def migration_state_speedup_install() -> None:
    from django.apps.registry import Apps
    from django.db.migrations.state import ProjectState, StateApps

    if getattr(ProjectState.add_model, "_courier_speedup", False):
        return
    add_model_original = ProjectState.add_model

    def add_model(self, model_state):
        key = model_state.app_label, model_state.name_lower
        if "apps" not in self.__dict__ or key in self.models:
            return add_model_original(self, model_state)
        if key in self.apps.all_models.get(key[0], {}):  # a stale class of that name: Django's
            return add_model_original(self, model_state)
        self.models[key] = model_state
        if self._relations is not None:
            self.resolve_model_relations(key)
        self.apps.render_multiple([model_state])

    add_model._courier_speedup = True
    ProjectState.add_model = add_model

    get_models_uncached = Apps.get_models.__wrapped__

    def get_models(self, include_auto_created=False, include_swapped=False):
        cache = self.__dict__.setdefault("_courier_models", {})
        key = (include_auto_created, include_swapped)
        if key not in cache:
            cache[key] = get_models_uncached(self, include_auto_created, include_swapped)
        return cache[key]

    def clear_cache(self):
        self.__dict__.pop("_courier_models", None)
        if self.ready:
            for app_config in self.app_configs.values():
                for model in app_config.get_models(include_auto_created=True):
                    model._meta._expire_cache()

    StateApps.get_models = get_models
    StateApps.get_swappable_settings_name = Apps.get_swappable_settings_name.__wrapped__
    StateApps.clear_cache = clear_cache
    _class_prepared_install()


def _deref(ref):
    return ref() if isinstance(ref, weakref.ReferenceType) else ref


def _class_prepared_install() -> None:
    from django.apps import apps as global_apps
    from django.db.models.signals import class_prepared
    from django.dispatch.dispatcher import NONE_ID
    from django_fsm import FSMFieldMixin
    from simple_history.models import HistoricalRecords

    skipped = {HistoricalRecords.finalize, FSMFieldMixin._collect_transitions}
    send = class_prepared.send
    memo = {"count": -1, "refs": []}

    def state_receivers():
        # The receivers connected for any sender, less the two kinds that ignore state classes
        # (as stored: weak references stay weak); worked out again whenever one is connected
        # or disconnected, or one has died.
        if memo["count"] != len(class_prepared.receivers) or class_prepared._dead_receivers:
            with class_prepared.lock:
                class_prepared._clear_dead_receivers()
                refs = [
                    ref
                    for (_, sender_key), ref, is_async in class_prepared.receivers
                    if sender_key == NONE_ID and not is_async
                ]
                memo["count"] = len(class_prepared.receivers)
            memo["refs"] = [
                ref for ref in refs if getattr(_deref(ref), "__func__", None) not in skipped
            ]
        return [r for r in map(_deref, memo["refs"]) if r is not None]

    def class_prepared_send(sender, **named):
        if sender._meta.apps is global_apps:
            return send(sender=sender, **named)
        return [
            (receiver, receiver(signal=class_prepared, sender=sender, **named))
            for receiver in state_receivers()
        ]

    class_prepared.send = class_prepared_send


def prefetched_cache_set(instance: Model, relation: str, objects: list[Model]) -> None:
    """Remember ``objects`` as ``instance.<relation>.all()`` exactly as ``prefetch_related``
    stores it, so serialising rows just written reads nothing back. ``objects`` must be the
    complete, ordered content of the relation."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is None:
        instance._prefetched_objects_cache = cache = {}
    cache[relation] = queryset


def fence_check(app_configs=None, **kwargs):
    """System check ``courier.W001``: the installed Django or simple-history is not the version
    this module's use of their internals was tested against."""
    from django.core.checks import Warning

    return [
        Warning(
            f"{package} {installed} is installed; courier.core.fastwrite was tested against "
            f"{fenced}.",
            hint="Run tests/courier/test_fastwrite_fence.py and the intake tests, then update "
            "FENCED_FOR in courier/core/fastwrite.py.",
            id="courier.W001",
        )
        for package, (fenced, installed) in fence_versions_mismatched().items()
    ]
