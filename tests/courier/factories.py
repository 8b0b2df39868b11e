"""Factories and helpers for the shipments domain."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courier.shipments import rules
from courier.shipments.models import Order, OrderLine, Shipment, Station
from courier.shipments.services.orders import order_intake
from tests.factories import PartnerFactory, UserFactory


def role_user(role: str, username: str | None = None, **kwargs):
    user = UserFactory(
        username=username or f"{role}-{UserFactory._meta.model.objects.count()}", **kwargs
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def photo(
    name: str = "photo.jpg", content: bytes = b"\xff\xd8\xff fake jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def order_data(**overrides) -> dict:
    data = {
        "channel": "taobao",
        "partner_ref": f"REF-{timezone.now().timestamp()}",
        "sender_name": "李发货",
        "sender_phone": "021-62345678",
        "sender_province": "上海市",
        "sender_city": "上海市",
        "sender_district": "静安区",
        "sender_address": "南京西路1号",
        "recipient_name": "张三",
        "recipient_phone": "13812345678",
        "recipient_province": "广东省",
        "recipient_city": "深圳市",
        "recipient_district": "南山区",
        "recipient_address": "科技园路2号",
        "weight_kg": Decimal("1.500"),
        "goods_amount": Decimal("200.00"),
    }
    data.update(overrides)
    return data


def lines_data(n: int = 1) -> list[dict]:
    """n lines worth 200.00 in all for one line, 100.00 each for several."""
    if n == 1:
        return [{"name": "羊毛鞋", "quantity": 2, "unit_price": "100.00"}]
    return [{"name": f"羊毛鞋{i}", "quantity": 2, "unit_price": "50.00"} for i in range(n)]


def intake(partner=None, user=None, n_lines=1, cod_amount=Decimal("0"), **overrides):
    partner = partner or PartnerFactory()
    user = user or UserFactory(is_superuser=True)
    if n_lines != 1 and "goods_amount" not in overrides:
        overrides["goods_amount"] = Decimal("100.00") * n_lines
    return order_intake(
        partner, order_data(**overrides), lines_data(n_lines), user=user, cod_amount=cod_amount
    )


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    partner = factory.SubFactory(PartnerFactory)
    channel = "taobao"
    partner_ref = factory.Sequence(lambda n: f"ORD-{n:06d}")
    sender_name = "李发货"
    sender_phone = "021-62345678"
    sender_province = "上海市"
    sender_city = "上海市"
    sender_district = "静安区"
    sender_address = "南京西路1号"
    recipient_name = "张三"
    recipient_phone = "13812345678"
    recipient_province = "广东省"
    recipient_city = "深圳市"
    recipient_district = "南山区"
    recipient_address = "科技园路2号"
    weight_kg = Decimal("1.5")
    goods_amount = Decimal("200.00")
    paid_at = factory.LazyFunction(timezone.now)
    verification = "verified"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    name = "羊毛鞋"
    quantity = 2
    unit_price = Decimal("100.00")
    amount = Decimal("200.00")


class ShipmentFactory(factory.django.DjangoModelFactory):
    """A shipment in any state (``state=...`` sets it directly, for test setup only)."""

    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    partner = factory.SelfAttribute("order.partner")
    waybill_number = factory.Sequence(lambda n: rules.waybill_number_from(n + 1))


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station
        django_get_or_create = ["code"]

    code = "SZ-NS-01"
    name = "深圳南山站"
    province = "广东省"
    city = "深圳市"


def local(y, m, d, hh=0, mm=0):
    return timezone.make_aware(datetime.datetime(y, m, d, hh, mm))


def private_storage(settings, tmp_path):
    """Point the (private) default storage at a temporary folder for one test."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/private/"},
        },
    }
    return tmp_path
