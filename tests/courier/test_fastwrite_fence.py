"""The fast-write fence: ``courier.core.fastwrite`` alone uses private Django and
django-simple-history internals; these tests fail loudly, naming the internal, when an upgrade
changes one of them (see the module's docstring)."""

import inspect
from pathlib import Path

import django
import pytest
from django.core.checks import run_checks
from django.db.models import Model
from django.db.models.query import QuerySet
from django.db.models.sql import InsertQuery
from simple_history.manager import HistoryDescriptor

from courier.core import fastwrite

ROOT = Path(__file__).resolve().parents[2]


def test_installed_versions_are_the_fenced_ones():
    """The installed Django and simple-history are the major.minor versions the fence names; an
    upgrade must re-run these tests and update ``FENCED_FOR`` on purpose."""
    assert fastwrite.fence_versions_mismatched() == {}, (
        "Django or django-simple-history changed: check every internal listed in "
        "courier/core/fastwrite.py, then update FENCED_FOR"
    )
    assert django.get_version().startswith(fastwrite.FENCED_FOR["django"] + ".")


def test_mismatch_is_reported_by_the_system_check(monkeypatch):
    """A different installed version shows as the warning ``courier.W001``."""
    monkeypatch.setitem(fastwrite.FENCED_FOR, "django", "4.0")
    warnings = [m for m in run_checks() if m.id == "courier.W001"]
    assert len(warnings) == 1
    assert f"django {django.get_version()[:3]}" in warnings[0].msg
    assert "tested against 4.0" in warnings[0].msg


def test_django_internals_have_the_shape_relied_on():
    """InsertQuery.insert_values(fields, objs, raw), its compiler's returning_fields,
    Model._prepare_related_fields_for_save(operation_name) and QuerySet._result_cache /
    _prefetch_done as prefetch_related sets them."""
    assert list(inspect.signature(InsertQuery.insert_values).parameters) == [
        "self",
        "fields",
        "objs",
        "raw",
    ]
    assert "operation_name" in inspect.signature(Model._prepare_related_fields_for_save).parameters
    assert hasattr(InsertQuery(Model).get_compiler(using="default"), "returning_fields")
    queryset = QuerySet()
    assert queryset._result_cache is None
    assert queryset._prefetch_done is False


def test_simple_history_descriptor_has_the_shape_relied_on():
    """HistoryDescriptor keeps model, manager_class and queryset_class, and builds the manager
    with ``manager_class.from_queryset(queryset_class)(model, instance)``."""
    original = inspect.getsource(HistoryDescriptor.__init__)
    for attribute in ("self.model", "self.queryset_class", "self.manager_class"):
        assert attribute in original
    assert HistoryDescriptor.__get__ is fastwrite._history_descriptor_get


def test_no_private_orm_writes_outside_the_fence():
    """Nothing but courier/core/fastwrite.py writes ``_result_cache``, ``_prefetch_done`` or
    ``_prefetched_objects_cache``, or imports ``InsertQuery`` or ``HistoryDescriptor``."""
    private = (
        "._result_cache =",
        "._prefetch_done =",
        "._prefetched_objects_cache =",
        "InsertQuery",
        "HistoryDescriptor",
    )
    offenders = []
    for app in ("courier", "complaints", "staffing", "tracking"):
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "courier/core/fastwrite.py":
                continue
            text = path.read_text()
            offenders += [f"{path.relative_to(ROOT)}: {p}" for p in private if p in text]
    assert offenders == []


@pytest.mark.django_db
def test_prefetched_cache_set_answers_without_a_query(django_assert_num_queries):
    """Rows set as a relation's prefetched result are what ``.all()`` answers, with no query."""
    from tests.courier.factories import OrderFactory, OrderLineFactory

    order = OrderFactory()
    lines = [OrderLineFactory(order=order), OrderLineFactory(order=order)]
    fresh = type(order).objects.get(pk=order.pk)
    fastwrite.prefetched_cache_set(fresh, "lines", lines)
    with django_assert_num_queries(0):
        assert list(fresh.lines.all()) == lines
