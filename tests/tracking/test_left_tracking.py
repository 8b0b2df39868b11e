"""A shipment that turns lost or recalled leaves tracking: its open chases and calls close with
the reason, through the tracking service the shipments service calls (no signal)."""

import datetime as dt

import pytest
import time_machine

from courier.shipments.services.returns import recall_issue
from courier.shipments.services.shipments import shipment_transition
from tests.factories import UserFactory
from tracking.models import FollowUpTask
from tracking.selectors import revisit_figures
from tracking.services import chases_alert, follow_up_open, tracking_events_ingest

from .conftest import at, event

pytestmark = pytest.mark.django_db
NOW = at("2026-03-02", "10:00")


def _open_work(shipment):
    """A chase opened by a weather delay event, a re-delivery call, and an older call that is
    already done (left alone)."""
    results = tracking_events_ingest(
        shipment.partner,
        [event(shipment, "w1", "exception", NOW - dt.timedelta(hours=1), sub_status="weather")],
        user=None,
        now=NOW,
    )
    assert [r.result for r in results] == ["accepted"]
    redelivery = follow_up_open(shipment, "redelivery", user=None, now=NOW)
    done = follow_up_open(shipment, "uncertain", user=None, now=NOW)
    FollowUpTask.objects.filter(pk=done.pk).update(state="done", outcome="reached")
    chase = FollowUpTask.objects.get(shipment=shipment, reason="chase")
    return chase, redelivery, done


@time_machine.travel(NOW, tick=False)
def test_lost_shipment_closes_its_open_chase_and_calls(make_shipment):
    """TRK-05, TRK-04: marked lost through the shipments service, the shipment's open chase and
    re-delivery call are cancelled with "Closed: the shipment is Lost." in the note and the
    history (by the acting user); the call already done stays done. The chase raises no
    supervisor alert when its 3 days pass, and the day's revisit figure no longer counts the
    cancelled calls as required."""
    shipment = make_shipment(state="in_transit")
    chase, redelivery, done = _open_work(shipment)
    boss = UserFactory(is_superuser=True)
    shipment_transition(shipment, "mark_lost", user=boss)

    rows = {
        t.pk: (t.state, t.note)
        for t in FollowUpTask.objects.filter(shipment=shipment).order_by("pk")
    }
    assert rows == {
        chase.pk: ("cancelled", "Closed: the shipment is Lost."),
        redelivery.pk: ("cancelled", "Closed: the shipment is Lost."),
        done.pk: ("done", ""),
    }
    last = chase.history.order_by("-history_id").first()
    assert (last.state, last.history_change_reason, last.history_user_id) == (
        "cancelled",
        "closed: shipment lost",
        boss.pk,
    )
    assert chases_alert(now=NOW + dt.timedelta(days=4)) == 0
    figures = revisit_figures(NOW.date())
    assert (figures["required"], figures["done"]) == (1, 1)


@time_machine.travel(NOW, tick=False)
def test_recalled_shipment_closes_its_open_chase_and_calls(make_shipment):
    """TRK-05, RET-01: a recall slip (the shipment turns back, "returning") cancels the open
    chase and re-delivery call with the reason; a shipment that stays on its way keeps its
    chase."""
    shipment = make_shipment(state="at_station")
    other = make_shipment(state="in_transit")
    chase, redelivery, _done = _open_work(shipment)
    follow_up_open(other, "chase", user=None, now=NOW)
    boss = UserFactory(is_superuser=True)
    recall_issue(shipment, user=boss, reason="客户不要了", courier_name="老赵")

    states = dict(
        FollowUpTask.objects.filter(pk__in=[chase.pk, redelivery.pk]).values_list("pk", "state")
    )
    assert states == {chase.pk: "cancelled", redelivery.pk: "cancelled"}
    assert FollowUpTask.objects.get(pk=chase.pk).note == "Closed: the shipment is Returning."
    assert FollowUpTask.objects.get(shipment=other).state == "open"
