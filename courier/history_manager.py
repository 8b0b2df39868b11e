"""Make ``Model.history`` cheap to reach.

django-simple-history (3.x) builds a new manager class with ``Manager.from_queryset`` on every
access of ``Model.history``, and it reaches that descriptor for every historical row it writes.
``from_queryset`` introspects the queryset class each time (``inspect.getmembers``), which was
the largest single cost of writing a shipment. The class it builds is the same every time, so it
is built once per descriptor and reused; behaviour is otherwise unchanged.
"""

from simple_history.manager import HistoryDescriptor


def _history_descriptor_get(self, instance, owner):
    manager_class = self.__dict__.get("_manager_class_built")
    if manager_class is None:
        manager_class = self.manager_class.from_queryset(self.queryset_class)
        self._manager_class_built = manager_class
    return manager_class(self.model, instance)


def history_descriptor_speedup_install() -> None:
    HistoryDescriptor.__get__ = _history_descriptor_get
