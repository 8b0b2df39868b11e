"""CMP-03 enforcement through the real broker and a real ``celery worker`` process."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from complaints.models import Complaint, Escalation, Severity
from complaints.tasks import complaints_sla_sweep
from courier.core.models import Notification
from tests.complaints.factories import complaint_new, org_build

pytestmark = pytest.mark.realworker


def test_sla_sweep_through_the_broker_escalates_an_overdue_complaint_exactly_once(real_worker):
    """CMP-03: the SLA sweep task, sent through the broker twice (a duplicate delivery) and run
    by a real worker, escalates a major complaint unanswered for 40 minutes exactly once: level
    1 to the named supervisor, one ledger row, one notice."""
    org = org_build()
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=40), tick=False):
        c = complaint_new(org.agent.user, severity=Severity.MAJOR, assigned_agent=org.agent)
    complaints_sla_sweep.apply_async(queue=real_worker.queue)
    complaints_sla_sweep.apply_async(queue=real_worker.queue)  # a duplicate delivery
    ran = real_worker.drain()
    assert ran, f"worker did not run the tasks; its output:\n{real_worker.stop()}"
    c = Complaint.objects.get(pk=c.pk)
    assert (c.escalation_level, c.escalated_to, c.response_breaches) == (1, org.supervisor, 1)
    entries = Escalation.objects.filter(complaint=c)
    assert entries.count() == 1
    assert (entries[0].from_level, entries[0].to_level, entries[0].trigger) == (
        0,
        1,
        "response_breach",
    )
    notes = Notification.objects.filter(dedupe_key__startswith=f"complaint:{c.pk}:")
    assert [(n.recipient, n.dedupe_key) for n in notes] == [
        (org.supervisor.user, f"complaint:{c.pk}:escalated:1")
    ]
