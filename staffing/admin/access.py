"""ORG-03 (issue 12 item 1): people's private records are seen in the admin only up the supervisor
line. Which roles may view at all is ``staffing.role_matrix``; this mixin narrows the list, the
change page and the history of a record to the rows the viewer's line reaches."""

from staffing.selectors.access import department_scope, employees_in_line_of


class SupervisorLineMixin:
    """``line_field`` names the record's employee (``"pk"`` for the employee row itself);
    with ``line_by = "department"`` it names the department, read as the score board reads it
    (a supervisor their own; a manager and finance every one)."""

    line_field = "employee"
    line_by = "employee"

    def line_scope(self, request) -> frozenset[int] | None:
        cache = f"_line_scope_{self.line_by}"
        if not hasattr(request, cache):
            reads = department_scope if self.line_by == "department" else employees_in_line_of
            setattr(request, cache, reads(request.user))
        return getattr(request, cache)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = self.line_scope(request)
        if scope is None:
            return queryset
        return queryset.filter(**{f"{self.line_field}__in": scope})

    def in_line(self, request, obj) -> bool:
        if obj is None:
            return True
        scope = self.line_scope(request)
        if scope is None:
            return True
        attname = "pk" if self.line_field == "pk" else f"{self.line_field}_id"
        return getattr(obj, attname) in scope

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_line(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_line(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_line(request, obj)
