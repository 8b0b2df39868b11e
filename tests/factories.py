"""Factories shared by every app's tests."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from courier.core.models import Partner
from staffing.models import Department, Employee, Position


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@courier.example")
    is_staff = True
    password = factory.django.Password("pw-for-tests-1")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "customer-service"
    name = "客服部"
    name_en = "Customer service"


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"员工{n}")
    department = factory.SubFactory(DepartmentFactory)
    position = Position.AGENT
    daily_wage = Decimal("200.00")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    service_user = factory.SubFactory(
        UserFactory,
        username=factory.LazyAttribute(lambda o: f"partner-{o.factory_parent.code}"),
        is_staff=False,
    )

    @factory.post_generation
    def finance_account(obj, create, extracted, **kwargs):
        """A partner in good standing (FIN-02): a credit limit of 1,000,000.00, so its new
        shipments, priced at intake, are not held. ``finance_account=False``: no account (the
        model's defaults apply at the first shipment: no credit, held); tests of credit terms
        set their own (``tests.finance.factories.contract``)."""
        if not create or extracted is False:
            return
        from courier.finance.models import PartnerAccount

        PartnerAccount.objects.get_or_create(
            partner=obj, defaults={"credit_limit": Decimal("1000000.00")}
        )
