"""SHP-11: the nightly clean-up of invalid records (abandoned orders that never verified)."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from courier.periodic import PERIODIC_JOBS
from courier.shipments.models import DispatchSettings, Shipment
from courier.shipments.services.cleanup import CLEANUP_REASON, invalid_records_cleanup
from courier.shipments.services.shipments import shipment_transition
from courier.shipments.tasks import invalid_records_cleanup as cleanup_task
from tests.courier.factories import OrderFactory, ShipmentFactory, intake
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2024, 3, 1, 10, 0, tzinfo=datetime.UTC)


def _world():
    """Six waybills made at T0 (and one at T0 + 20 days); only the first two are invalid."""
    partner = PartnerFactory()
    ops = UserFactory(is_superuser=True)
    with time_machine.travel(T0, tick=False):
        bad = intake(
            partner, ops, partner_ref="B", goods_amount=Decimal("999.00")
        ).shipment  # price anomaly
        pending = ShipmentFactory(order=OrderFactory(partner=partner, verification="pending"))
        good = intake(partner, ops, partner_ref="G").shipment  # verified: kept however old
        printed = intake(partner, ops, partner_ref="P", goods_amount=Decimal("999.00")).shipment
        printed = shipment_transition(printed, "print_waybill", user=ops)  # past created: kept
        done = ShipmentFactory(
            order=OrderFactory(partner=partner, verification="exception"),
            state="delivered",
            completed_at=T0,
        )
    with time_machine.travel(T0 + datetime.timedelta(days=20), tick=False):
        recent = intake(partner, ops, partner_ref="R", goods_amount=Decimal("999.00")).shipment
    return bad, pending, good, printed, done, recent


def test_cleanup_voids_only_abandoned_invalid_waybills():
    """SHP-11: after 31 days (default 30) the dry run counts 2 and changes nothing; the run voids
    exactly the failed-verification and the never-verified waybill, each with one history row
    carrying the reason; verified, printed, completed and recent ones are untouched; a second
    run voids 0."""
    assert DispatchSettings.current().invalid_abandon_days == 30
    bad, pending, good, printed, done, recent = _world()
    assert bad.order.verification == "exception"
    with time_machine.travel(T0 + datetime.timedelta(days=31), tick=False):
        assert invalid_records_cleanup(dry_run=True) == {"shipments_voided": 2, "dry_run": True}
        assert Shipment.objects.filter(state="cancelled").count() == 0
        assert invalid_records_cleanup() == {"shipments_voided": 2, "dry_run": False}
        assert invalid_records_cleanup() == {"shipments_voided": 0, "dry_run": False}
    states = dict(Shipment.objects.values_list("pk", "state"))
    assert states == {
        bad.pk: "cancelled",
        pending.pk: "cancelled",
        good.pk: "created",
        printed.pk: "printed",
        done.pk: "delivered",
        recent.pk: "created",
    }
    for shipment in (bad, pending):
        rows = list(shipment.history.order_by("history_id"))
        assert rows[-1].state == "cancelled"
        assert rows[-1].history_change_reason == CLEANUP_REASON
        assert [r.state for r in rows].count("cancelled") == 1
    assert Shipment.objects.get(pk=bad.pk).completed_at == T0 + datetime.timedelta(days=31)


def test_cleanup_respects_the_setting_and_never_earlier():
    """SHP-11: with 60 days nothing is voided on day 31; on day 61 exactly 2 (the recent
    invalid one is then 41 days old: still kept)."""
    row = DispatchSettings.current()
    row.invalid_abandon_days = 60
    row.save()
    _world()
    with time_machine.travel(T0 + datetime.timedelta(days=31), tick=False):
        assert invalid_records_cleanup() == {"shipments_voided": 0, "dry_run": False}
    with time_machine.travel(T0 + datetime.timedelta(days=61), tick=False):
        assert invalid_records_cleanup() == {"shipments_voided": 2, "dry_run": False}
    assert Shipment.objects.filter(state="cancelled").count() == 2


def test_cleanup_command_dry_run_task_and_nightly_job():
    """SHP-11: ``invalid_records_cleanup --dry-run`` prints the count and changes nothing; the
    task voids them; the job is scheduled nightly."""
    _world()
    with time_machine.travel(T0 + datetime.timedelta(days=31), tick=False):
        out = StringIO()
        call_command("invalid_records_cleanup", "--dry-run", stdout=out)
        assert out.getvalue().strip() == "would void: shipments=2"
        assert Shipment.objects.filter(state="cancelled").count() == 0
        assert cleanup_task.delay().get() == {"shipments_voided": 2, "dry_run": False}
    assert Shipment.objects.filter(state="cancelled").count() == 2
    job = next(j for j in PERIODIC_JOBS if j.name == "shipments-invalid-records-cleanup")
    assert job.task == "courier.tasks_shipments.invalid_records_cleanup"
    assert job.crontab == {"minute": "50", "hour": "3"}
