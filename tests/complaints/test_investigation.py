import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from complaints.models import ComplaintClaim, ScorePosting, State, WorkOrder
from complaints.services import (
    ComplaintError,
    bad_review_record,
    bad_review_withdraw,
    complaint_accept,
    complaint_claim_decide,
    complaint_claim_file,
    complaint_close,
    complaint_feedback_record,
    complaint_findings_record,
    complaint_investigate,
    complaint_solution_propose,
    complaint_solution_send,
    measure_done,
    rectification_evaluate,
    rectification_open,
    score_postings_retry,
    supervision_check_record,
    verdict_overturn,
    verdict_record,
    work_order_complete,
    work_order_create,
    work_orders_overdue_notify,
)
from courier.core.models import WebhookEvent
from staffing.models import ScoreEvent
from tests.complaints.factories import complaint_new
from tests.courier.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


def _investigating(org, **kw):
    c = complaint_new(org.agent.user, assigned_agent=org.agent, **kw)
    complaint_accept(c, user=org.agent.user)
    return complaint_investigate(c, user=org.agent.user)


def test_substantiated_verdict_costs_the_named_agent_g5_and_overturn_reverses(org):
    """CMP-06, CMP-10: a complaint verified against a named agent costs 3 points (G5) once;
    overturned, a reversing ledger row cancels them."""
    c = _investigating(org)
    with pytest.raises(ComplaintError, match="supervisor"):
        verdict_record(c, user=org.agent.user, substantiated=True, findings="态度差")
    v = verdict_record(
        c,
        user=org.supervisor.user,
        substantiated=True,
        findings="录音证实客服态度恶劣",
        against_employee=org.agent,
    )
    assert v.score_posting == ScorePosting.POSTED
    event = ScoreEvent.objects.get(employee=org.agent)
    assert (event.rule.code, event.points, event.recorded_by) == ("G5", -3, org.supervisor.user)
    with pytest.raises(ComplaintError, match="already stands"):
        verdict_record(c, user=org.supervisor.user, substantiated=False, findings="x")
    v = verdict_overturn(v, user=org.manager.user, reason="复核录音后不成立")
    assert v.score_posting == ScorePosting.REVERSED
    assert sorted(
        ScoreEvent.objects.filter(employee=org.agent).values_list("points", flat=True)
    ) == [
        -3,
        3,
    ]
    # A new verdict may stand after the overturn.
    v2 = verdict_record(c, user=org.manager.user, substantiated=False, findings="不成立")
    assert (v2.substantiated, v2.score_posting) == (False, ScorePosting.NONE)


def test_score_posting_left_pending_when_scoring_refuses_and_retried(org, monkeypatch):
    """CMP-10: if the score cannot be posted now (e.g. month settled), the verdict stands with the
    posting pending, and the periodic retry posts it once possible."""
    from staffing.services import scoring

    real = scoring.score_event_record

    def refuse(**kw):
        raise scoring.ScoringError("month frozen")

    monkeypatch.setattr(scoring, "score_event_record", refuse)
    c = _investigating(org)
    v = verdict_record(
        c, user=org.supervisor.user, substantiated=True, findings="属实", against_employee=org.agent
    )
    assert (v.score_posting, v.score_error) == (ScorePosting.PENDING, "month frozen")
    assert not ScoreEvent.objects.exists()
    monkeypatch.setattr(scoring, "score_event_record", real)
    assert score_postings_retry() == 1
    assert score_postings_retry() == 0
    v.refresh_from_db()
    assert v.score_posting == ScorePosting.POSTED
    assert ScoreEvent.objects.get().rule.code == "G5"


def test_bad_review_naming_an_agent_costs_g16(org):
    """CMP-10: a bad review naming an agent costs that agent 3 points (G16); withdrawn, the
    points are given back by a reversing row."""
    review = bad_review_record(user=org.supervisor.user, employee=org.agent, text="客服小王态度差")
    assert review.score_posting == ScorePosting.POSTED
    assert ScoreEvent.objects.get().rule.code == "G16"
    bad_review_withdraw(review, user=org.supervisor.user, reason="买家撤回差评")
    assert sorted(ScoreEvent.objects.values_list("points", flat=True)) == [-3, 3]


def test_solution_goes_to_merchant_by_webhook_and_customer_by_mail(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    """CMP-07: the proposed handling is sent to the merchant (webhook complaint.status_changed)
    and to the customer (email), and the customer's view is asked."""
    shipment = ShipmentFactory()
    c = _investigating(org, shipment=shipment, customer_email="buyer@example.com")
    complaint_findings_record(c, user=org.agent.user, findings="延误", employee=org.agent)
    complaint_solution_propose(c, user=org.agent.user, solution="退运费10元")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_solution_send(c, user=org.agent.user)
    events = WebhookEvent.objects.filter(
        partner=shipment.partner, event_type="complaint.status_changed"
    )
    assert [e.payload["state"] for e in events.order_by("pk")] == [
        "received",
        "accepted",
        "investigating",
        "awaiting_feedback",
    ]
    last = events.order_by("pk").last().payload
    assert (last["solution"], last["shipment"]) == ("退运费10元", shipment.pk)
    assert [m.to for m in mailoutbox] == [["buyer@example.com"]]
    assert "退运费10元" in mailoutbox[0].body


def test_rectification_supervised_and_evaluated_before_closing(org):
    """CMP-08: measures with owner and due date, a supervision check, an effect evaluation
    (satisfaction before/after); the complaint closes only once evaluated."""
    c = _investigating(org)
    complaint_findings_record(c, user=org.agent.user, findings="分拣错误", employee=org.agent)
    r = rectification_open(
        c,
        user=org.supervisor.user,
        problem="分拣流程缺少复核",
        measures=[{"description": "增加复核", "owner": org.senior, "due_on": dt.date(2026, 4, 1)}],
    )
    complaint_solution_propose(c, user=org.agent.user, solution="重新派送")
    complaint_solution_send(c, user=org.agent.user)
    c = complaint_feedback_record(c, user=org.agent.user, accepted=True)
    assert c.state == State.RECTIFICATION
    with pytest.raises(ComplaintError, match="Evaluate"):
        complaint_close(c, user=org.supervisor.user)
    measure = r.measures.get()
    with pytest.raises(ComplaintError, match="not yet done and checked"):
        rectification_evaluate(
            r,
            user=org.supervisor.user,
            satisfaction_before=Decimal("3.1"),
            satisfaction_after=Decimal("4.2"),
            process_improvement="分拣加复核",
        )
    measure_done(measure, user=org.senior.user)
    supervision_check_record(measure, user=org.supervisor.user, passed=True, notes="已执行")
    r = rectification_evaluate(
        r,
        user=org.supervisor.user,
        satisfaction_before=Decimal("3.1"),
        satisfaction_after=Decimal("4.2"),
        process_improvement="分拣加复核",
    )
    assert (r.state, r.improved) == ("evaluated", True)
    c.refresh_from_db()
    assert c.state == State.CLOSED


def test_work_order_to_senior_agent_with_own_due_time(org):
    """CMP-09: not solved in one contact → a work order to a senior agent, due in 24 h (data),
    overdue noticed once, followed to the end."""
    c = _investigating(org)
    with pytest.raises(ComplaintError, match="another, senior"):
        work_order_create(c, user=org.agent.user, assignee=org.agent, instructions="跟进")
    wo = work_order_create(c, user=org.agent.user, assignee=org.senior, instructions="联系站点补派")
    assert wo.due_at - wo.created_at < dt.timedelta(hours=24, seconds=5)
    assert org.senior.user.notifications.count() == 1
    assert work_orders_overdue_notify(at=wo.due_at + dt.timedelta(minutes=1)) == 1
    assert work_orders_overdue_notify(at=wo.due_at + dt.timedelta(minutes=2)) == 0
    assert org.supervisor.user.notifications.filter(
        dedupe_key=f"workorder:{wo.pk}:overdue"
    ).exists()
    wo = work_order_complete(wo, user=org.senior.user, result="已补派签收")
    assert (wo.state, wo.result) == (WorkOrder.State.DONE, "已补派签收")


def _photo(name="p.jpg"):
    # A minimal JPEG header so the evidence checks accept it.
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0" + b"0" * 200, content_type="image/jpeg")


def test_damage_claim_needs_photos_and_loss_compensation_needs_approval(org):
    """CMP-11: damage → an insurance claim with the required photos; loss → a compensation
    proposal with an amount that a manager approves."""
    shipment = ShipmentFactory()
    c = _investigating(org, shipment=shipment, category="cargo_damage")
    with pytest.raises(ComplaintError, match="at least 1 photo"):
        complaint_claim_file(c, user=org.agent.user, kind="insurance", cause="外箱破损", amount=100)
    claim = complaint_claim_file(
        c, user=org.agent.user, kind="insurance", cause="外箱破损", photos=[_photo()], amount="100"
    )
    assert (claim.insurance_claim.photo_count, claim.amount) == (1, Decimal("100.00"))

    lost = _investigating(org, shipment=ShipmentFactory(), category="cargo_loss")
    comp = complaint_claim_file(
        lost, user=org.agent.user, kind="compensation", cause="丢失", amount=250
    )
    assert (comp.compensation.amount, comp.state) == (Decimal("250.00"), "proposed")
    with pytest.raises(ComplaintError, match="manager"):
        complaint_claim_decide(comp, user=org.supervisor.user, approve=True)
    comp = complaint_claim_decide(comp, user=org.manager.user, approve=True, amount="200")
    assert (comp.state, comp.approved_amount, comp.decided_by) == (
        ComplaintClaim.State.APPROVED,
        Decimal("200"),
        org.manager.user,
    )


def test_claim_without_shipment_is_refused_cleanly(org):
    """CMP-11: a claim needs the complaint's shipment; nothing half-saved."""
    c = _investigating(org)
    with pytest.raises(ComplaintError, match="shipment"), transaction.atomic():
        complaint_claim_file(c, user=org.agent.user, kind="compensation", cause="丢失", amount=1)
    assert not ComplaintClaim.objects.exists()
