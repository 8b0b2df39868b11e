"""TRK-03/TRK-10: the SMS outbox is queued through ``queue_after_commit``: a broker failure after
commit never reaches the caller, and the dispatcher sends what is still queued, once."""

import datetime as dt

import pytest
from django.utils import timezone

from courier.celery import app as celery_app
from courier.periodic import PERIODIC_JOBS
from tests.courier import outage
from tracking.models import SmsMessage, SmsTemplate
from tracking.services import sms_dispatch_due, sms_queue

pytestmark = pytest.mark.django_db

broker_down = outage.broker_down


def test_sms_with_the_broker_down_does_not_raise_and_waits_for_the_dispatcher(
    broker_down, django_capture_on_commit_callbacks, shipment
):
    """TRK-03: the arrival SMS is written; with the broker refusing the publish the commit
    hook swallows the failure, the row stays queued, and the dispatcher sends it once."""
    SmsTemplate.objects.update_or_create(code="t-outage", defaults={"body": "运单{waybill}已到"})
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        message = sms_queue("13812345678", "t-outage", shipment=shipment, waybill="W1")
    assert len(hooks) == 1
    assert broker_down.refused == 1
    message.refresh_from_db()
    assert (message.state, message.body) == ("queued", "运单W1已到")
    broker_down.end()
    now = timezone.now()
    assert sms_dispatch_due(now=now) == 0  # still within its own task's grace period
    later = message.created_at + dt.timedelta(minutes=3)
    assert sms_dispatch_due(now=later) == 1
    assert sms_dispatch_due(now=later) == 0
    message.refresh_from_db()
    assert message.state == "sent" and message.sent_at is not None


def test_sms_dispatcher_gives_up_after_a_day_and_is_a_periodic_job():
    """TRK-10: a message owed for more than a day is not sent late; the dispatcher runs every
    minute and its task is registered."""
    message = SmsMessage.objects.create(to_phone="13812345678", body="x", template="t")
    assert sms_dispatch_due(now=message.created_at + dt.timedelta(days=1, minutes=1)) == 0
    message.refresh_from_db()
    assert message.state == "queued"
    job = {j.name: j for j in PERIODIC_JOBS}["tracking-sms-dispatch"]
    assert (job.task, job.every_seconds) == ("tracking.tasks.sms_dispatch", 60)
    assert job.task in celery_app.tasks
