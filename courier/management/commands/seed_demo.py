"""Demo data: departments, one login per role, a partner. Safe to run again: keeps the data."""

import json
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from courier.core.models import Partner
from courier.periodic import periodic_jobs_sync
from staffing.models import Department, Employee, Position
from staffing.roles import roles_sync

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


class Command(BaseCommand):
    help = "Seed demo data and print the logins."

    def handle(self, *args, **options):
        logins_file = settings.VAR_DIR / "demo-logins.json"
        saved = json.loads(logins_file.read_text()) if logins_file.exists() else {}
        with transaction.atomic():
            roles_sync()
            periodic_jobs_sync()
            logins = self._people(saved)
            self._partner()
        logins_file.write_text(json.dumps(logins, indent=1))
        logins_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (username / password):"))
        for username, password in logins.items():
            self.stdout.write(f"  {username:12} {password}")

    def _user(self, username, saved, **fields):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults=fields)
        password = saved.get(username)
        if created or not password or not user.check_password(password):
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
        return user, password

    def _people(self, saved):
        logins = {}
        admin_user, logins["admin"] = self._user(
            "admin", saved, is_staff=True, is_superuser=True, email="admin@courier.example"
        )
        employees = {}
        for number, (username, position, name, dept_code, boss) in enumerate(DEMO_PEOPLE, 1):
            user, logins[username] = self._user(username, saved, is_staff=True)
            user.groups.set([Group.objects.get(name=position.value)])
            employee, _ = Employee.objects.update_or_create(
                user=user,
                defaults={
                    "number": f"E{number:04d}",
                    "name": name,
                    "department": Department.objects.get(code=dept_code),
                    "position": position,
                    "supervisor": employees.get(boss),
                    "daily_wage": Decimal("200.00"),
                },
            )
            employees[username] = employee
        return logins

    def _partner(self):
        User = get_user_model()
        service_user, _ = User.objects.get_or_create(
            username="partner-demo", defaults={"is_active": True}
        )
        service_user.set_unusable_password()
        service_user.save()
        Partner.objects.get_or_create(
            code="DEMO",
            defaults={
                "name": "演示商城 Demo Mall",
                "contact_name": "商家联系人",
                "contact_email": "merchant@demo.example",
                "service_user": service_user,
            },
        )
