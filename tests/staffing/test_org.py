import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from staffing.models import Department, Employee, Position
from staffing.roles import ROLE_PERMISSIONS, role_permission_codes, roles_sync
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_departments_seeded():
    """ORG-01: the six departments are seeded as editable rows."""
    assert set(Department.objects.values_list("code", flat=True)) == {
        "gm-office",
        "hr",
        "finance",
        "operations",
        "customer-service",
        "customer-development",
    }
    assert Department.objects.get(code="customer-service").name == "客服部"


def test_every_role_is_a_group_with_its_permissions():
    """ORG-02: one group per role, created by a data migration, holding its model permissions."""
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_PERMISSIONS)
    assert set(ROLE_PERMISSIONS) == {p.value for p in Position}

    def perms(role):
        return {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.select_related("content_type")
        }

    assert "courier.view_partner" in perms("agent")
    assert "courier.change_partner" not in perms("agent")
    assert "staffing.change_employee" in perms("supervisor")
    assert "staffing.change_employee" not in perms("agent")
    assert "django_celery_beat.change_periodictask" in perms("manager")
    assert "courier.change_partner" not in perms("finance")


def test_a_model_added_later_is_granted_nothing_until_it_is_in_the_matrix():
    """ORG-02 (issue 12 item 1): model permissions come only from the role matrix; a wildcard
    grants step permissions (``complaints.handle_*``) but never a model permission."""
    available = [
        "complaints.add_complaint",
        "complaints.view_complaint",
        "complaints.add_newmodel",
        "complaints.handle_complaint",
        "courier.add_partner",
    ]
    assert role_permission_codes("agent", available) == [
        "complaints.add_complaint",
        "complaints.view_complaint",
        "complaints.handle_complaint",
    ]
    assert role_permission_codes("printing", available) == []


def test_roles_sync_is_idempotent():
    """ORG-02: re-running the role sync changes nothing."""
    first = roles_sync()
    assert roles_sync() == first
    assert Group.objects.filter(name="agent").count() == 1


def test_one_employee_profile_per_login():
    """ORG-03: every person has their own login: a second profile on one login is refused."""
    employee = EmployeeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EmployeeFactory(user=employee.user)
    assert Employee.objects.filter(user=employee.user).count() == 1


def test_reporting_line_and_no_self_supervision():
    """ORG-02: an agent's direct superior is the supervisor; nobody supervises themself."""
    manager = EmployeeFactory(position=Position.MANAGER)
    supervisor = EmployeeFactory(position=Position.SUPERVISOR, supervisor=manager)
    agent = EmployeeFactory(supervisor=supervisor, user=UserFactory(username="a1"))
    assert agent.supervisor.supervisor == manager
    assert list(supervisor.reports.all()) == [agent]
    with pytest.raises(IntegrityError), transaction.atomic():
        Employee.objects.filter(pk=agent.pk).update(supervisor=agent)


@pytest.mark.django_db
def test_rule_owners_hold_the_tracking_rules_and_report_runs():
    """ORG-02, TRK-02: the manager alone owns the tracking rules (issue 12 item 1); supervisors,
    platform supervisors, managers and HQ may run stored reports; agents may do neither."""
    from django.contrib.auth.models import Group

    def perms(role):
        group = Group.objects.get(name=role)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    for role in ("supervisor", "platform_supervisor", "manager", "hq"):
        assert "courier.run_report" in perms(role)
    assert "tracking.manage_trackingpolicy" in perms("manager")
    for role in ("supervisor", "platform_supervisor", "hq", "agent"):
        assert "tracking.manage_trackingpolicy" not in perms(role)
    assert not {"tracking.manage_trackingpolicy", "courier.run_report"} & perms("agent")
