"""PLT-01, PLT-02 (issue 12 item 3): every outbox row whose queueing was lost is sent by a periodic
dispatcher, exactly once, and every webhook attempt is in the log (also one whose sender died)."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints.models import Survey
from complaints.services import (
    complaint_accept,
    complaint_feedback_record,
    complaint_findings_record,
    complaint_investigate,
    complaint_solution_propose,
    complaint_solution_send,
)
from complaints.services.mail import customer_mails_dispatch_due
from courier.celery import app as celery_app
from courier.core.models import Notification, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from courier.core.services.notifications import (
    notification_send,
    notifications_email_dispatch_due,
)
from courier.core.services.webhooks import (
    INTERRUPTED,
    webhook_delivery_attempt,
    webhook_event_emit,
)
from courier.periodic import PERIODIC_JOBS
from tests.complaints.factories import complaint_new, org_build
from tests.courier import outage
from tests.courier.api import test_webhooks
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

broker_down = outage.broker_down
receiver = test_webhooks.receiver


def _solution_sent(org, **kw):
    u = org.agent.user
    c = complaint_new(u, assigned_agent=org.agent, **kw)
    complaint_accept(c, user=u)
    complaint_investigate(c, user=u)
    complaint_findings_record(c, user=u, findings="延误", employee=org.agent)
    complaint_solution_propose(c, user=u, solution="赔付运费")
    return complaint_solution_send(c, user=u)


def test_customer_mails_whose_queueing_was_lost_are_sent_once_by_the_dispatcher(mailoutbox):
    """PLT-02, CMP-07, CMP-13: the after-commit hooks never ran (as when the broker
    was down); the complaints mail dispatcher sends the solution and the survey e-mail, once."""
    org = org_build()
    c = _solution_sent(org, customer_email="buyer@example.com")
    complaint_feedback_record(c, user=org.agent.user, accepted=True)
    assert mailoutbox == []
    later = timezone.now() + dt.timedelta(minutes=3)
    assert customer_mails_dispatch_due(now=later) == {"solution": 1, "survey": 1}
    assert sorted(m.subject for m in mailoutbox) == [
        "How did we handle your complaint?",
        f"Your complaint #{c.pk}: our proposed solution",
    ]
    assert {tuple(m.to) for m in mailoutbox} == {("buyer@example.com",)}
    assert Survey.objects.get(complaint=c).mailed_at is not None
    assert customer_mails_dispatch_due(now=later) == {"solution": 0, "survey": 0}
    assert len(mailoutbox) == 2


def test_dispatcher_leaves_fresh_rows_to_their_own_task_and_gives_up_old_ones(mailoutbox):
    """PLT-02: a row younger than two minutes is still being queued by its request;
    one owed for more than three days is given up."""
    org = org_build()
    _solution_sent(org, customer_email="buyer@example.com")
    now = timezone.now()
    assert customer_mails_dispatch_due(now=now) == {"solution": 0, "survey": 0}
    assert customer_mails_dispatch_due(now=now + dt.timedelta(days=3, minutes=1)) == {
        "solution": 0,
        "survey": 0,
    }
    assert mailoutbox == []


def test_closing_with_the_broker_down_does_not_raise_and_the_survey_mail_waits(
    broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    """PLT-01, PLT-02, CMP-13: the survey e-mail (and the webhook and notices) of a closing
    are queued after commit; with the broker unreachable the close still succeeds and the
    survey stays owed for the dispatcher."""
    org = org_build()
    partner = PartnerFactory()
    WebhookEndpoint.objects.create(partner=partner, url="https://hooks.example/x")
    c = _solution_sent(org, customer_email="buyer@example.com", partner=partner)
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        complaint_feedback_record(c, user=org.agent.user, accepted=True)
    assert len(hooks) >= 2
    assert broker_down.refused >= 2
    survey = Survey.objects.get(complaint=c)
    assert survey.mailed_at is None
    broker_down.end()
    later = survey.created_at + dt.timedelta(minutes=3)
    assert customer_mails_dispatch_due(now=later)["survey"] == 1
    assert [m.subject for m in mailoutbox][-1] == "How did we handle your complaint?"


def test_a_notice_without_email_owes_nothing_and_the_dispatcher_skips_it(mailoutbox):
    """PLT-02: ``email=False`` notices are marked as owing no e-mail; a normal notice
    whose task was lost is e-mailed once by the notification dispatcher."""
    quiet, loud = UserFactory(email="q@example.com"), UserFactory(email="l@example.com")
    [silent] = notification_send([quiet], "desk done", email=False)
    [owed] = notification_send([loud], "escalated to you")
    assert silent.emailed_at is not None and owed.emailed_at is None
    later = timezone.now() + dt.timedelta(minutes=3)
    assert notifications_email_dispatch_due(now=later) == 1
    assert [m.to for m in mailoutbox] == [["l@example.com"]]
    assert notifications_email_dispatch_due(now=later) == 0
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_an_attempt_whose_sender_died_is_logged_before_the_retry(receiver):
    """PLT-02: a worker killed during the POST leaves ``attempts`` counted but no log
    row; when the lease has expired the next try first logs that attempt as interrupted, so
    the log shows every attempt (and the receiver may see the message twice: at least once)."""
    partner = PartnerFactory()
    WebhookEndpoint.objects.create(partner=partner, url=receiver.url)
    celery_app.conf.task_always_eager = False  # keep the on_commit queueing out of the way
    try:
        event = webhook_event_emit(partner, "complaint.status_changed", {"id": 1})
    finally:
        celery_app.conf.task_always_eager = True
    delivery = WebhookDelivery.objects.get(event=event)
    # What a killed sender leaves behind: attempt 1 counted and leased, nothing logged.
    lease_start = timezone.now() - dt.timedelta(minutes=5)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=1, last_attempt_at=lease_start, next_attempt_at=lease_start
    )
    assert webhook_delivery_attempt(delivery.pk) == "succeeded"
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code, a.error) for a in log] == [
        (1, None, INTERRUPTED),
        (2, 200, ""),
    ]
    assert log[0].attempted_at == lease_start
    assert len(receiver.received) == 1


def test_the_dispatchers_are_periodic_jobs():
    """PLT-02: the notice and customer mail dispatchers run every minute beside the
    webhook sweep, and their tasks are registered."""
    jobs = {job.name: job for job in PERIODIC_JOBS}
    for name, task in [
        ("notifications-email-dispatch", "courier.tasks.notifications_email_dispatch"),
        ("complaints-mail-dispatch", "complaints.tasks.customer_mails_dispatch"),
        ("webhooks-dispatch-due", "courier.tasks_webhooks.webhook_deliveries_dispatch"),
    ]:
        assert (jobs[name].task, jobs[name].every_seconds) == (task, 60)
        assert task in celery_app.tasks
