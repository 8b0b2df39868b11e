"""Who a login is, and what their position (ORG-02) lets them read and decide.

The position sets below are the one place these decisions are made: the scoring pages ask
``department_visible_to``, the settlement services ask ``user_is_manager`` and
``user_supervises_department``, the appeal service asks ``user_may_decide_appeal``. Positions
are ``Employee.position`` (the auth groups of ``staffing.roles`` hold the model permissions).
"""

from staffing.models import Department, Employee, Position

READS_EVERY_DEPARTMENT = frozenset({Position.MANAGER, Position.HQ, Position.FINANCE})
READS_OWN_DEPARTMENT = frozenset({Position.SUPERVISOR, Position.PLATFORM_SUPERVISOR})
# SCR-07: submits the department's sheet; SCR-05: earns or pays the team result.
DEPARTMENT_SUPERVISORS = frozenset({Position.SUPERVISOR})
MANAGERS = frozenset({Position.MANAGER})
# SCR-07 (issue 13 point 21): approves reopening a settled month a manager asked to reopen.
HEAD_OFFICE = frozenset({Position.HQ})
# SCR-05: left out when counting the department's team at full marks or below 60.
NOT_IN_TEAM = frozenset({Position.SUPERVISOR, Position.PLATFORM_SUPERVISOR, Position.MANAGER})


def employee_for_user(user) -> Employee | None:
    if user is None or not user.is_authenticated:
        return None
    return Employee.objects.select_related("supervisor").filter(user=user).first()


def _superuser(user) -> bool:
    return user is not None and getattr(user, "is_superuser", False)


def department_scope(user) -> frozenset[int] | None:
    """The departments whose score board, settlements and statements ``user`` reads: ``None``
    for every department (a superuser, a manager, HQ, finance), the own department for a
    supervisor or platform supervisor, none (empty) for anyone else."""
    if _superuser(user):
        return None
    me = employee_for_user(user)
    if me is None:
        return frozenset()
    if me.position in READS_EVERY_DEPARTMENT:
        return None
    if me.position in READS_OWN_DEPARTMENT:
        return frozenset({me.department_id})
    return frozenset()


def department_visible_to(user, department_id: int) -> bool:
    scope = department_scope(user)
    return scope is None or department_id in scope


def departments_visible_to(user):
    """``department_scope`` as a queryset of departments."""
    scope = department_scope(user)
    departments = Department.objects.order_by("code")
    return departments if scope is None else departments.filter(pk__in=scope)


def statement_visible_to(user, employee: Employee, department_id: int) -> bool:
    """A month's printable statement: the person it is about, or whoever reads the department."""
    return employee.user_id == user.pk or department_visible_to(user, department_id)


def user_is_manager(user) -> bool:
    """SCR-07: approves settlements (a superuser too)."""
    if _superuser(user):
        return True
    me = employee_for_user(user)
    return bool(me and me.position in MANAGERS)


def user_is_hq(user) -> bool:
    """SCR-07: head office, which approves reopening a settled month (a superuser too)."""
    if _superuser(user):
        return True
    me = employee_for_user(user)
    return bool(me and me.position in HEAD_OFFICE)


def user_supervises_department(user, department_id: int) -> bool:
    """SCR-07: the department's supervisor, who submits its monthly sheet (a superuser too)."""
    if _superuser(user):
        return True
    me = employee_for_user(user)
    return bool(me and me.department_id == department_id and me.position in DEPARTMENT_SUPERVISORS)


def user_may_compute_settlement(user, department_id: int) -> bool:
    """SCR-04/SCR-07: the department's supervisor settles the scores and a manager may; HQ,
    finance and everyone else may read the sheet but never compute or open one."""
    return user_is_manager(user) or user_supervises_department(user, department_id)


def user_may_decide_appeal(user, employee: Employee) -> bool:
    """SCR-09: the employee's own supervisor, a supervisor of their department, a manager or a
    superuser decides an appeal; never the employee themself."""
    if user is None or not user.is_authenticated or user.pk == employee.user_id:
        return False
    if user.is_superuser:
        return True
    decider = employee_for_user(user)
    if decider is None:
        return False
    if employee.supervisor_id == decider.pk:
        return True
    return decider.position in MANAGERS or (
        decider.position in DEPARTMENT_SUPERVISORS
        and decider.department_id == employee.department_id
    )


def manager_up_the_line(employee: Employee | None) -> Employee | None:
    """The first active employee in the ``manager`` role up ``employee``'s line of supervisors
    (``employee`` included), else the first active manager; None when there is none."""
    seen = set()
    person = employee
    while person is not None and person.pk not in seen:
        seen.add(person.pk)
        if person.is_active and person.user.groups.filter(name="manager").exists():
            return person
        person = person.supervisor
    return (
        Employee.objects.filter(is_active=True, user__groups__name="manager", user__is_active=True)
        .order_by("pk")
        .first()
    )


def employees_in_line_of(user) -> frozenset[int] | None:
    """ORG-03: the employees whose private records (score events, wages, leave, corrections,
    punches, feeds) ``user`` may read in the admin: ``None`` for everyone (a superuser, a
    manager), else the people up whose supervisor line ``user`` stands (their reports, their
    reports' reports…) and ``user`` themself; nobody for a login without a profile."""
    if _superuser(user):
        return None
    me = employee_for_user(user)
    if me is None:
        return frozenset()
    if me.position in MANAGERS:
        return None
    line, frontier = {me.pk}, [me.pk]
    while frontier:
        frontier = [
            pk
            for pk in Employee.objects.filter(supervisor_id__in=frontier).values_list(
                "pk", flat=True
            )
            if pk not in line
        ]
        line.update(frontier)
    return frozenset(line)


def employees_active():
    """Active employees, for choosing a person in a form."""
    return Employee.objects.filter(is_active=True)


def departments_all():
    """Every department, for choosing one in a form."""
    return Department.objects.all()
