"""Retention: personal data anonymised after the partner's retention years (DLV-06, SHP-11)."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from courier.periodic import PERIODIC_JOBS
from courier.shipments.models import (
    CounterPickup,
    DeliveryAttempt,
    DeliveryAuthorisation,
    EvidencePhoto,
    Order,
    ReturnRequest,
)
from courier.shipments.services.claims import exception_record
from courier.shipments.services.delivery import (
    delivery_attempt_record,
    delivery_authorisation_record,
)
from courier.shipments.services.modify import shipment_modify
from courier.shipments.services.retention import retention_anonymise
from courier.shipments.services.returns import return_request_create
from courier.shipments.services.shipments import shipment_transition
from courier.shipments.tasks import retention_anonymise as retention_task
from tests.courier.factories import intake, photo, private_storage
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2024, 3, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    return private_storage(settings, tmp_path)


def _delivered_with_everything(partner, ops):
    """A delivered order with an address change, a proxy signer, photos and a return."""
    with time_machine.travel(T0, tick=False):
        shipment = intake(partner, ops).shipment
        shipment_modify(
            shipment, {"recipient_address": "新地址9号"}, user=ops, confirmed_via="chat"
        )
        for name in ("print_waybill", "pack", "pick_up", "depart", "arrive_at_station", "send_out"):
            shipment = shipment_transition(shipment, name, user=ops)
        delivery_authorisation_record(
            shipment,
            user=ops,
            authorised_name="李四",
            merchant_contact="店长",
            authorised_phone="13700001111",
        )
        delivery_attempt_record(
            shipment,
            user=ops,
            delivered=True,
            signer_name="李四",
            packing_intact=False,
            count_matches=True,
            appearance_ok=True,
            signature=photo("s.png", b"sig"),
            photos=[photo("p.jpg", b"pic")],
        )
        return_request_create(
            shipment,
            user=ops,
            kind="return",
            reason="不要了",
            contact_name="张三",
            contact_phone="13812345678",
        )
        exception_record(shipment, user=ops, kind="damage", cause="破", photos=[photo()])
        # DLV-06: an open insurance claim holds the order; this one was paid.
        claim = shipment.insurance_claims.get()
        claim.status = "paid"
        claim.save(update_fields=["status"])
    return shipment


def test_anonymises_after_retention_including_history(_storage):
    """DLV-06, SHP-11: after the partner's retention years the names, phones, addresses,
    signatures and photos are anonymised, in the history tables too; statistics fields stay."""
    ops = UserFactory(is_superuser=True)
    partner = PartnerFactory(retention_years=2)
    shipment = _delivered_with_everything(partner, ops)
    order = Order.objects.get(pk=shipment.order_id)
    signature_path = _storage / DeliveryAttempt.objects.get().signature.name
    assert signature_path.exists()

    two_years = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(two_years, tick=False):
        assert retention_anonymise()["orders"] == 0  # exactly two years: not yet
    with time_machine.travel(two_years + datetime.timedelta(minutes=1), tick=False):
        counts = retention_anonymise(dry_run=True)
        assert counts == {
            "orders": 1,
            "delivery_attempts": 1,
            "authorisations": 1,
            "counter_pickups": 0,
            "photos": 2,
            "returns": 1,
            "held": 0,
            "held_reasons": {},
            "dry_run": True,
        }
        assert Order.objects.get(pk=order.pk).anonymised_at is None
        assert retention_anonymise()["orders"] == 1
        assert retention_anonymise()["orders"] == 0  # idempotent

    order.refresh_from_db()
    assert (order.recipient_name, order.recipient_phone, order.recipient_address) == ("***", "", "")
    assert (order.recipient_province, order.recipient_city) == ("广东省", "深圳市")
    assert order.recipient_phone_last4 == "" and order.sender_name == "***"
    history_values = list(
        Order.history.filter(id=order.pk).values_list(
            "recipient_name", "recipient_phone", "recipient_address", "sender_phone"
        )
    )
    assert len(history_values) >= 3
    assert set(history_values) == {("***", "", "", "")}
    assert not order.remarks.filter(text__contains="新地址").exists()
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.signer_name, attempt.signature.name) == ("***", "")
    assert not signature_path.exists()
    assert set(DeliveryAttempt.history.values_list("signer_name", flat=True)) == {"***"}
    assert set(DeliveryAuthorisation.history.values_list("authorised_phone", flat=True)) == {""}
    assert set(ReturnRequest.history.values_list("contact_phone", flat=True)) == {""}
    assert not EvidencePhoto.objects.filter(erased_at__isnull=True).exists()
    assert list(_storage.rglob("*.*")) == []


def test_never_before_partner_retention_and_only_completed():
    """DLV-06: a 1-year partner's order goes after 1 year, a 2-year partner's not yet; an
    order with an open shipment is kept."""
    ops = UserFactory(is_superuser=True)
    with time_machine.travel(T0, tick=False):
        one = intake(PartnerFactory(retention_years=1), ops).shipment
        two = intake(PartnerFactory(retention_years=2), ops).shipment
        open_one = intake(PartnerFactory(retention_years=1), ops).shipment
        for s in (one, two):
            shipment_transition(s, "cancel", user=ops)
    with time_machine.travel(T0 + datetime.timedelta(days=400), tick=False):
        counts = retention_anonymise()
    assert counts["orders"] == 1
    assert Order.objects.get(pk=one.order_id).anonymised_at is not None
    assert Order.objects.get(pk=two.order_id).anonymised_at is None
    assert Order.objects.get(pk=open_one.order_id).anonymised_at is None


def test_command_dry_run_reports_counts_and_job_is_registered():
    """SHP-11, DLV-06: `retention_anonymise --dry-run` reports counts without changing data;
    the nightly job is registered and runs the same service."""
    ops = UserFactory(is_superuser=True)
    with time_machine.travel(T0, tick=False):
        shipment_transition(
            intake(PartnerFactory(retention_years=1), ops).shipment, "cancel", user=ops
        )
    with time_machine.travel(T0 + datetime.timedelta(days=400), tick=False):
        out = StringIO()
        call_command("retention_anonymise", "--dry-run", stdout=out)
        assert out.getvalue().startswith("would anonymise: orders=1, delivery_attempts=0")
        assert Order.objects.filter(anonymised_at__isnull=True).count() == 1
        assert retention_task.delay().get()["orders"] == 1
    job = next(j for j in PERIODIC_JOBS if j.name == "shipments-retention-anonymise")
    assert job.task == retention_task.name and job.crontab["hour"] == "3"
    assert CounterPickup.objects.count() == 0
