"""What an escalation costs on the production path, and one bad complaint not stopping a sweep
(issue 14, point 2)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint, Escalation, Severity
from complaints.services import escalation, sla_sweep
from courier.core.models import Notification, WebhookDelivery, WebhookEndpoint
from tests.complaints.factories import PartnerFactory, complaint_new, org_build

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
DUE = T0 + dt.timedelta(minutes=30)


def _due(org, partner, n):
    with time_machine.travel(T0, tick=False):
        return [
            complaint_new(
                org.agent.user,
                severity=Severity.MAJOR,
                assigned_agent=org.agent,
                partner=partner,
                customer_email="",
            )
            for _ in range(n)
        ]


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")  # SQLite logs these; PostgreSQL does not


def _sweep_counted():
    with time_machine.travel(DUE, tick=False), CaptureQueriesContext(connection) as ctx:
        counts = sla_sweep()
    sql = [q["sql"] for q in ctx.captured_queries]
    return counts, [q for q in sql if not q.startswith(TRANSACTION_CONTROL)]


@pytest.fixture
def no_after_commit_sends(monkeypatch):
    """Keep the queued e-mail and webhook sends (run eagerly in tests) out of the count."""
    monkeypatch.setattr("courier.core.services.webhooks._queue", lambda ids: 0)
    monkeypatch.setattr(
        "courier.core.services.notifications._notifications_email", lambda ids: True
    )


@pytest.mark.django_db(transaction=True)
def test_an_escalation_costs_eight_queries_with_supervisor_notice_and_webhook(
    no_after_commit_sends,
):
    """CMP-03, CMP-07: on the production path (a named supervisor, an admin notice, a partner
    webhook) each escalated complaint costs exactly 8 queries — the locked read with its people
    and partner joined, the escalation row, the complaint update, its history row, the notice's
    de-duplication check and row, the webhook event and its delivery — and no savepoint. The
    settings, the SLA policy and the partner's endpoints are read once per sweep: sweeping 1
    and then 6 due complaints differ by exactly 5 × 8 queries."""
    org = org_build()
    partner = PartnerFactory()
    WebhookEndpoint.objects.create(partner=partner, url="https://hooks.example/x")
    _due(org, partner, 1)
    one, q1 = _sweep_counted()
    six_rows = _due(org, partner, 6)
    six, q6 = _sweep_counted()
    assert (one["escalated"], six["escalated"]) == (1, 6)
    assert len(q6) - len(q1) == 5 * 8, "\n".join(q6)
    assert not [q for q in q6 if "SAVEPOINT" in q]
    assert sum("complaints_complaintsettings" in q for q in q6) == 1
    assert sum('FROM "complaints_slapolicy"' in q for q in q6) == 1
    assert sum('FROM "courier_webhookendpoint"' in q for q in q6) == 1
    # Everything the queries were for did happen, once per complaint.
    ids = [c.pk for c in six_rows]
    assert Escalation.objects.filter(complaint__in=ids, to_employee=org.supervisor).count() == 6
    assert Notification.objects.filter(recipient=org.supervisor.user).count() == 7
    escalated = WebhookDelivery.objects.filter(event__payload__escalation_level=1)
    assert escalated.filter(event__partner=partner).count() == 7
    assert set(Complaint.objects.filter(pk__in=ids).values_list("escalation_level", flat=True)) == {
        1
    }


@pytest.mark.django_db(transaction=True)
def test_one_failing_complaint_neither_rolls_back_nor_blocks_the_others(monkeypatch):
    """CMP-03: each complaint is swept in its own transaction. When acting on one raises, the
    others due in the same sweep are still escalated and committed, the failing one is left
    exactly as it was (still due, no escalation row) and is tried again by the next sweep."""
    org = org_build()
    partner = PartnerFactory()
    rows = _due(org, partner, 3)
    bad = rows[0]
    bad.refresh_from_db()
    due_at = bad.next_check_at
    real = escalation.sweep_one

    def flaky(c, at, ctx):
        if c.pk == bad.pk:
            raise RuntimeError("boom")
        return real(c, at, ctx)

    monkeypatch.setattr(escalation, "sweep_one", flaky)
    with time_machine.travel(DUE, tick=False):
        counts = sla_sweep()
    assert (counts["escalated"], counts["failed"]) == (2, 1)
    bad.refresh_from_db()
    assert (bad.escalation_level, bad.next_check_at) == (0, due_at)
    assert Escalation.objects.filter(complaint=bad).count() == 0
    assert Escalation.objects.filter(complaint__in=[r.pk for r in rows[1:]]).count() == 2
    monkeypatch.setattr(escalation, "sweep_one", real)
    with time_machine.travel(DUE, tick=False):
        assert sla_sweep()["escalated"] == 1
    assert Escalation.objects.filter(complaint=bad).count() == 1
