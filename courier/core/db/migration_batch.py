"""One render of the migration state for many schema operations (a fresh `migrate` in seconds).

Django applies a migration operation by operation and, after each one that touches a model with a
relation, re-renders every model related to it. The historical models (django-simple-history) all
point at the user model, so nearly every model is related to every other one and each
``CreateModel``/``AddField``/``AddConstraint`` re-renders hundreds of classes: a fresh database
took minutes. ``batched(operations)`` groups a squashed migration's schema operations so that the
state is rendered once per group instead of once per operation; the operations themselves, and
so the schema they build, are Django's own.

How the groups are made, within each stretch of schema operations between two data operations
(``RunPython``/``RunSQL``, which keep their place and see exactly the state they saw before):

- the later operations on a model created in the stretch fold into its ``CreateModel`` (fields,
  indexes and constraints, as ``makemigrations`` writes a new model);
- a model that only gets fields, indexes, constraints and options in the stretch (it existed
  before) has all its operations in the first ``Batch``; any other model has its k-th operation
  in the k-th batch. A model's operations keep their order, and inside a batch all operations
  run in their original order. An operation alone on its model in the batch runs against the
  state before and the state after the whole batch, which for its own model is the state it
  would have seen; a model with several operations steps through a small state of itself and
  the models it points to (all its operations read), one operation at a time;
- after each batch (and each operation left alone) the SQL the schema editor put off runs
  (``FlushDeferredSQL``), as it did at the end of each replaced migration.

Used by the squashed migrations only (docs/architecture.md, "Squashed migrations"); a new
migration is an ordinary one.
"""

from collections import Counter, defaultdict

from django.db.migrations import operations as ops
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

# Operations whose effect on the database depends only on their own model's before/after state.
BATCHABLE = (
    ops.CreateModel,
    ops.AddField,
    ops.AlterField,
    ops.AddIndex,
    ops.AddConstraint,
    ops.RemoveConstraint,
    ops.AlterModelOptions,
)
# Operations whose effect on the database reads only their own model and the models it points
# to, so that several of them on one model can run in a small state of just those models.
GROUPABLE = (
    ops.AddField,
    ops.AddIndex,
    ops.AddConstraint,
    ops.RemoveConstraint,
    ops.AlterModelOptions,
)


class Batch(Operation):
    """Schema operations on distinct models, applied to the state with one render."""

    reduces_to_sql = True

    def __init__(self, operations):
        self.operations = list(operations)

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operations], {})

    @property
    def reversible(self):
        return all(operation.reversible for operation in self.operations)

    def state_forwards(self, app_label, state):
        # Without a rendered registry the operations only change the model states; the next
        # reader of `state.apps` renders once for the whole batch.
        state.__dict__.pop("apps", None)
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        per_model = Counter(_model(operation) for operation in self.operations)
        steps = {}
        for operation in self.operations:
            model = _model(operation)
            if per_model[model] == 1:
                operation.database_forwards(app_label, schema_editor, from_state, to_state)
                continue
            if model not in steps:
                steps[model] = _small_state(app_label, model, from_state, to_state)
            before = steps[model]
            after = before.clone()
            operation.state_forwards(app_label, after)
            operation.database_forwards(app_label, schema_editor, before, after)
            steps[model] = after

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if any(count > 1 for count in Counter(map(_model, self.operations)).values()):
            raise NotImplementedError("a batch with several operations on one model")
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def references_model(self, name, app_label):
        return any(op.references_model(name, app_label) for op in self.operations)

    def references_field(self, model_name, name, app_label):
        return any(op.references_field(model_name, name, app_label) for op in self.operations)

    def describe(self):
        return f"Batch of {len(self.operations)} operations: " + "; ".join(
            operation.describe() for operation in self.operations
        )

    @property
    def migration_name_fragment(self):
        return None


class FlushDeferredSQL(Operation):
    """Runs the SQL the schema editor put off so far (indexes, foreign keys, conditional unique
    constraints of new tables), as the end of each replaced migration did. Without it, a later
    operation of the same squash that introspects the table (an AlterField dropping an index,
    a RemoveConstraint) would find nothing yet, and the postponed SQL would then add back what
    that operation removed."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        deferred, schema_editor.deferred_sql = schema_editor.deferred_sql, []
        for sql in deferred:
            schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return "Run the schema SQL put off so far"


def _model(operation) -> str:
    if isinstance(operation, (ops.CreateModel, ops.AlterModelOptions)):
        return operation.name_lower
    return operation.model_name_lower


def _small_state(app_label, model, from_state, to_state) -> ProjectState:
    """The model as it was before the batch, with the models it points to (transitively) as
    they are after it: all that its own operations read, rendered in a fraction of the time."""
    keys, seen = set(), set()
    todo = [to_state.apps.get_model(app_label, model)]
    while todo:
        cls = todo.pop()
        key = (cls._meta.app_label, cls._meta.model_name)
        if key in seen:
            continue
        seen.add(key)
        if key in to_state.models:  # not an auto-created many-to-many table
            keys.add(key)
        for field in [*cls._meta.local_fields, *cls._meta.local_many_to_many]:
            if field.is_relation and field.related_model is not None:
                todo.append(field.related_model)
                if field.many_to_many:
                    todo.append(field.remote_field.through)
        todo.extend(cls._meta.parents)
    models = {key: to_state.models[key] for key in keys}
    models[(app_label, model)] = from_state.models[(app_label, model)]
    state = ProjectState(models=models, real_apps=to_state.real_apps)
    state.apps  # noqa: B018 -- rendered once; each step clones it
    return state


def _fold(app_label: str, stretch: list) -> list:
    """A new model's later operations into its CreateModel, while nothing else touched it.

    Django's optimizer stops at an operation in between that refers to the model (a second new
    model pointing back at it); within one batch the state is rendered only after all of them,
    so the order no longer matters. Indexes and constraints go into the options, as
    ``makemigrations`` writes them for a new model."""
    folded = []
    created = {}  # model -> index in `folded` of its CreateModel
    for operation in stretch:
        model = _model(operation)
        if model in created:
            create = folded[created[model]]
            if isinstance(operation, (ops.AddIndex, ops.AddConstraint)):
                key, item = (
                    ("indexes", operation.index)
                    if isinstance(operation, ops.AddIndex)
                    else ("constraints", operation.constraint)
                )
                reduced = [
                    ops.CreateModel(
                        create.name,
                        fields=create.fields,
                        options={**create.options, key: [*create.options.get(key, []), item]},
                        bases=create.bases,
                        managers=create.managers,
                    )
                ]
            else:
                reduced = create.reduce(operation, app_label)
            if isinstance(reduced, list) and len(reduced) == 1:
                folded[created[model]] = reduced[0]
                continue
        if isinstance(operation, ops.CreateModel):
            created[model] = len(folded)
        else:
            created.pop(model, None)
        folded.append(operation)
    return folded


def _rounds(app_label: str, stretch: list) -> list:
    stretch = _fold(app_label, stretch)
    on_model = defaultdict(list)
    for operation in stretch:
        on_model[_model(operation)].append(operation)
    grouped = {
        model
        for model, operations in on_model.items()
        if all(isinstance(operation, GROUPABLE) for operation in operations)
    }
    rounds = defaultdict(list)
    seen = defaultdict(int)
    for operation in stretch:
        model = _model(operation)
        rounds[0 if model in grouped else seen[model]].append(operation)
        seen[model] += 1
    result = []
    for k in sorted(rounds):
        result += [Batch(rounds[k]) if len(rounds[k]) > 1 else rounds[k][0], FlushDeferredSQL()]
    return result


def batched(app_label: str, operations: list) -> list:
    """The operations with each stretch of schema operations grouped into batches."""
    result, stretch = [], []
    for operation in operations:
        if isinstance(operation, BATCHABLE):
            stretch.append(operation)
            continue
        result += _rounds(app_label, stretch)
        stretch = []
        result.append(operation)
    return result + _rounds(app_label, stretch)
