"""Issue 12 item 3/6: sending the solution with the broker down answers normally; the solution
e-mail stays owed and the dispatcher sends it once."""

import datetime as dt

import pytest

from complaints.models import Complaint
from complaints.services import (
    complaint_accept,
    complaint_findings_record,
    complaint_investigate,
    complaint_solution_propose,
    complaint_solution_send,
)
from complaints.services.mail import customer_mails_dispatch_due
from tests.complaints.factories import complaint_new, org_build
from tests.courier import outage

pytestmark = pytest.mark.django_db

broker_down = outage.broker_down


def test_solution_send_with_the_broker_down_does_not_raise_and_the_mail_waits(
    broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    """CMP-07: the solution e-mail is queued after commit through the outbox helper; with the
    broker unreachable the step still succeeds, and the dispatcher sends the e-mail once."""
    org = org_build()
    u = org.agent.user
    c = complaint_new(u, assigned_agent=org.agent, customer_email="buyer@example.com")
    complaint_accept(c, user=u)
    complaint_investigate(c, user=u)
    complaint_findings_record(c, user=u, findings="延误", employee=org.agent)
    complaint_solution_propose(c, user=u, solution="赔付运费")
    refused_before = broker_down.refused
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        complaint_solution_send(c, user=u)
    assert hooks and broker_down.refused > refused_before
    c = Complaint.objects.get(pk=c.pk)
    assert c.state == "awaiting_feedback" and c.solution_mailed_at is None
    broker_down.end()
    later = c.solution_sent_at + dt.timedelta(minutes=3)
    assert customer_mails_dispatch_due(now=later)["solution"] == 1
    assert [m.subject for m in mailoutbox] == [f"Your complaint #{c.pk}: our proposed solution"]
    assert customer_mails_dispatch_due(now=later)["solution"] == 0
