"""The demo's people: one login per role with its employee profile, the partner and its API key.

Employees are profile rows an administrator keeps in the admin (there is no service for them);
they are created once and only changed when they differ, so a second run writes no history.
"""

import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from courier.core.models import Partner, PartnerAPIKey
from courier.core.services.apikeys import partner_api_key_create, partner_service_user_ensure
from staffing.models import Department, Employee, Position

# username, role, name, department code, supervisor username
DEMO_PEOPLE = [
    ("manager", Position.MANAGER, "王经理", "customer-service", None),
    ("platform", Position.PLATFORM_SUPERVISOR, "赵平台", "customer-service", "manager"),
    ("supervisor", Position.SUPERVISOR, "李主管", "customer-service", "manager"),
    ("agent", Position.AGENT, "张客服", "customer-service", "supervisor"),
    ("agent2", Position.AGENT, "陈客服", "customer-service", "supervisor"),
    ("presales", Position.PRESALES, "刘售前", "customer-service", "supervisor"),
    ("aftersales", Position.AFTERSALES, "周售后", "customer-service", "supervisor"),
    ("printing", Position.PRINTING, "吴打单", "customer-service", "supervisor"),
    ("warehouse", Position.WAREHOUSE, "郑仓库", "operations", "supervisor"),
    ("hq", Position.HQ, "孙总部", "gm-office", None),
    ("finance", Position.FINANCE, "钱财务", "finance", None),
]
PARTNER_CODE = "DEMO"
API_KEY_NAME = "demo"
API_KEY_LOGIN = "partner-api-key"
API_KEY_SCOPES = [
    "shipments:read",
    "shipments:write",
    "events:write",
    "complaints:read",
    "complaints:write",
    "returns:write",
]


@dataclass
class Cast:
    """Who is who in the story: users and employees by login name, the partner."""

    logins: dict[str, str] = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    employees: dict[str, Employee] = field(default_factory=dict)
    partner: Partner | None = None

    @property
    def admin(self):
        return self.users["admin"]


def _user(username: str, saved: dict, **fields):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    password = saved.get(username)
    if created or not password or not user.check_password(password):
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
    return user, password


def _employee(user, **values) -> Employee:
    employee = Employee.objects.filter(user=user).first()
    if employee is None:
        return Employee.objects.create(user=user, **values)
    changed = [k for k, v in values.items() if getattr(employee, k) != v]
    if changed:
        for name in changed:
            setattr(employee, name, values[name])
        employee.save(update_fields=changed)
    return employee


def people_ensure(saved: dict) -> Cast:
    """The superuser ``admin`` and one staff login per role (passwords kept from ``saved``)."""
    cast = Cast()
    cast.users["admin"], cast.logins["admin"] = _user(
        "admin", saved, is_staff=True, is_superuser=True, email="admin@courier.example"
    )
    for number, (username, position, name, dept_code, boss) in enumerate(DEMO_PEOPLE, 1):
        user, cast.logins[username] = _user(username, saved, is_staff=True)
        group = Group.objects.get(name=position.value)
        if list(user.groups.all()) != [group]:
            user.groups.set([group])
        cast.users[username] = user
        cast.employees[username] = _employee(
            user,
            number=f"E{number:04d}",
            name=name,
            department=Department.objects.get(code=dept_code),
            position=position,
            supervisor=cast.employees.get(boss),
            daily_wage=Decimal("200.00"),
        )
    return cast


def _key_usable(partner: Partner, plain: str) -> bool:
    """The key saved from an earlier run still opens the API for this partner."""
    if not plain:
        return False
    try:
        found = PartnerAPIKey.objects.get_from_key(plain)
    except PartnerAPIKey.DoesNotExist:
        return False
    return found.partner_id == partner.pk and found.name == API_KEY_NAME


def partner_ensure(cast: Cast, saved: dict) -> Partner:
    """The merchant 演示商城 with its API service user and one demo key (shown in the logins)."""
    partner, _created = Partner.objects.get_or_create(
        code=PARTNER_CODE,
        defaults={
            "name": "演示商城 Demo Mall",
            "contact_name": "商家联系人",
            "contact_email": "merchant@demo.example",
        },
    )
    partner_service_user_ensure(partner)
    cast.partner = partner
    plain = saved.get(API_KEY_LOGIN, "")
    if not _key_usable(partner, plain):
        _key, plain = partner_api_key_create(partner, name=API_KEY_NAME, scopes=API_KEY_SCOPES)
    cast.logins[API_KEY_LOGIN] = plain
    return partner
