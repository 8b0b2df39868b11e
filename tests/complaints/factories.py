"""Factories and small builders for the complaints tests."""

from dataclasses import dataclass

from django.contrib.auth.models import Group

from complaints.models import Category, Channel, Kind, Severity
from complaints.services import complaint_create
from staffing.models import Position
from tests.factories import EmployeeFactory, PartnerFactory, UserFactory


def employee_in_role(role: str, *, supervisor=None, position=None, username=None):
    user = UserFactory(**({"username": username} if username else {}))
    user.groups.add(Group.objects.get(name=role))
    return EmployeeFactory(user=user, position=position or role, supervisor=supervisor)


@dataclass
class Org:
    hq: object
    manager: object
    supervisor: object
    agent: object
    senior: object


def org_build() -> Org:
    """HQ ← manager ← supervisor ← agent (and a senior agent), each in their role group."""
    hq = employee_in_role("hq", position=Position.HQ, username="hq-lead")
    manager = employee_in_role("manager", supervisor=hq, username="cs-manager")
    supervisor = employee_in_role("supervisor", supervisor=manager, username="cs-supervisor")
    agent = employee_in_role("agent", supervisor=supervisor, username="cs-agent")
    senior = employee_in_role("aftersales", supervisor=supervisor, username="cs-senior")
    return Org(hq=hq, manager=manager, supervisor=supervisor, agent=agent, senior=senior)


def complaint_new(user=None, **kw):
    defaults = {
        "channel": Channel.HOTLINE,
        "customer_name": "王先生",
        "customer_phone": "13800000000",
        "description": "快递三天未送达",
        "category": Category.DELAY,
        "kind": Kind.COMPLAINT,
        "severity": Severity.ORDINARY,
    }
    defaults.update(kw)
    return complaint_create(user=user, **defaults)


__all__ = ["Org", "PartnerFactory", "complaint_new", "employee_in_role", "org_build"]
