"""Issue 13 point 23: retention never anonymises an order an open claim, complaint or dispute
still needs (a hold), and says so in its dry run (DLV-06)."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from complaints.models import PlatformCase
from complaints.services import complaint_cancel
from courier.shipments.models import InsuranceClaim, Order
from courier.shipments.services.claims import exception_record
from courier.shipments.services.holds import (
    hold_provider_register,
    hold_provider_unregister,
    hold_providers,
    retention_holds,
)
from courier.shipments.services.retention import order_anonymise, retention_anonymise
from courier.shipments.services.shipments import shipment_transition
from tests.complaints.factories import complaint_new
from tests.courier.factories import intake, photo, private_storage
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2024, 3, 1, 10, 0, tzinfo=datetime.UTC)
LATER = T0 + datetime.timedelta(days=400)


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    return private_storage(settings, tmp_path)


def _cancelled_orders(n, ops):
    partner = PartnerFactory(retention_years=1)
    shipments = []
    with time_machine.travel(T0, tick=False):
        for i in range(n):
            s = intake(partner, ops, partner_ref=f"HOLD-{i}").shipment
            shipment_transition(s, "cancel", user=ops)
            shipments.append(s)
    return shipments


def test_providers_registered_by_each_domain_without_signals():
    """DLV-06: the shipments domain, complaints and finance each register a hold provider."""
    assert set(hold_providers()) >= {"shipments", "complaints", "finance"}


def test_open_complaint_claim_and_shop_dispute_hold_the_order_and_dry_run_says_so():
    """DLV-06: an open complaint, an open insurance claim and an open shop-platform dispute
    each hold their order: the dry run counts them by reason, the run anonymises only the free
    order, the management command prints the holds; once settled the order goes."""
    ops = UserFactory(is_superuser=True)
    free, complained, claimed, disputed = _cancelled_orders(4, ops)
    with time_machine.travel(T0, tick=False):
        complaint = complaint_new(ops, shipment=complained)
        exception_record(claimed, user=ops, kind="damage", cause="外箱破损", photos=[photo()])
        PlatformCase.objects.create(
            kind="dispute",
            platform_order_ref="TB1",
            platform_deadline=T0,
            source="manual",
            shipment=disputed,
            created_by=ops,
        )
    assert retention_holds([s.order_id for s in (free, complained, claimed, disputed)]) == {
        complained.order_id: ["open complaint"],
        claimed.order_id: ["open insurance claim"],
        disputed.order_id: ["open shop dispute"],
    }
    with time_machine.travel(LATER, tick=False):
        counts = retention_anonymise(dry_run=True)
        assert (counts["orders"], counts["held"], counts["dry_run"]) == (1, 3, True)
        assert counts["held_reasons"] == {
            "open complaint": 1,
            "open insurance claim": 1,
            "open shop dispute": 1,
        }
        out = StringIO()
        call_command("retention_anonymise", "--dry-run", stdout=out)
        assert out.getvalue().splitlines() == [
            "would anonymise: orders=1, delivery_attempts=0, authorisations=0, "
            "counter_pickups=0, photos=0, returns=0, held=3",
            "held (open complaint): 1",
            "held (open insurance claim): 1",
            "held (open shop dispute): 1",
        ]
        assert retention_anonymise()["orders"] == 1
    anonymised = set(Order.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True))
    assert anonymised == {free.order_id}
    assert Order.objects.get(pk=complained.order_id).recipient_name == "张三"

    # Settled: the complaint cancelled, the claim paid, the dispute closed → they go too.
    complaint_cancel(complaint, user=ops, cancel_reason="withdrawn", note="客户撤回")
    claim = InsuranceClaim.objects.get()
    claim.status = "paid"
    claim.save(update_fields=["status"])
    PlatformCase.objects.update(state="closed", outcome="dispute_lost")
    with time_machine.travel(LATER, tick=False):
        counts = retention_anonymise()
    assert (counts["orders"], counts["held"], counts["held_reasons"]) == (3, 0, {})
    assert Order.objects.filter(anonymised_at__isnull=True).count() == 0


def test_hold_rechecked_under_the_lock():
    """DLV-06: an order that became held after it was listed is not anonymised."""
    ops = UserFactory(is_superuser=True)
    (shipment,) = _cancelled_orders(1, ops)
    hold_provider_register("test", lambda ids: dict.fromkeys(ids, "late hold"))
    try:
        assert order_anonymise(Order(pk=shipment.order_id)) is False
    finally:
        hold_provider_unregister("test")
    assert Order.objects.get(pk=shipment.order_id).anonymised_at is None
    assert order_anonymise(Order(pk=shipment.order_id)) is True
