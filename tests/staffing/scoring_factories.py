"""Factories for the scoring tests (rules and tiers come from the seed migration)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import factory
import pytest

from staffing.models import Department, Position, ScoreEvent, ScoreRule, ScoringPolicy
from staffing.rules.scoring import period_of
from tests.factories import EmployeeFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hash the factories' passwords with a fast hasher: PBKDF2 costs ~0.5 s per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(year, month, day, hour=10, minute=0):
    """An aware moment on the company's wall clock."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


class TeamDepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "customer-service"
    name = "客服部"


def supervisor_make(department=None, **kwargs):
    department = department or TeamDepartmentFactory()
    return EmployeeFactory(department=department, position=Position.SUPERVISOR, **kwargs)


def manager_make(department=None, **kwargs):
    department = department or TeamDepartmentFactory()
    return EmployeeFactory(department=department, position=Position.MANAGER, **kwargs)


class ScoreEventFactory(factory.django.DjangoModelFactory):
    """A raw ledger row, for tests that do not go through the service."""

    class Meta:
        model = ScoreEvent

    employee = factory.SubFactory(EmployeeFactory)
    rule = factory.LazyFunction(lambda: ScoreRule.objects.get(code="G5"))
    points = -3
    occurred_at = factory.LazyFunction(lambda: at(2026, 3, 15))
    # SCR-04: the score period of the event's day (payday to the day before the next payday)
    month = factory.LazyAttribute(
        lambda o: period_of(
            o.occurred_at.astimezone(SHANGHAI).date(), ScoringPolicy.current().payday_day
        )
    )


__all__ = ["EmployeeFactory", "UserFactory", "ScoreEventFactory", "at", "supervisor_make"]
