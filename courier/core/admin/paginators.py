"""A changelist paginator that never counts a large table on every page load."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections


class EstimatedCountPaginator(Paginator):
    """Unfiltered on PostgreSQL: the planner's estimate (``pg_class.reltuples``) once the table is
    large. Filtered: an exact count capped at ``CAP`` rows (``SELECT count(*) FROM (... LIMIT)``),
    so a broad filter costs at most ``CAP`` index entries."""

    CAP = 10_000
    EXACT_BELOW = 50_000

    @cached_property
    def count(self):
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is None:
            return super().count
        if not query.where and connections[qs.db].vendor == "postgresql":
            estimate = self._estimate(qs)
            if estimate >= self.EXACT_BELOW:
                return estimate
        return qs.order_by()[: self.CAP + 1].count()

    @staticmethod
    def _estimate(qs) -> int:
        with connections[qs.db].cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [qs.model._meta.db_table],
            )
            row = cursor.fetchone()
        return max(int(row[0]), 0) if row else 0
