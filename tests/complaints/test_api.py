import pytest

from complaints.models import Complaint, State
from complaints.services import (
    complaint_accept,
    complaint_findings_record,
    complaint_investigate,
    complaint_solution_propose,
    complaint_solution_send,
)
from courier.core.models import WebhookEvent
from tests.courier.factories import ShipmentFactory

pytestmark = pytest.mark.django_db

BODY = {
    "category": "delay",
    "severity": "major",
    "description": "三天未到",
    "customer_name": "王先生",
    "customer_phone": "13800000000",
}


def test_partner_files_complaint_about_own_shipment_and_reads_deadlines(key_client):
    """CMP-01, CMP-03: a partner files a complaint about its own shipment through the API and
    reads its status and deadlines (+30 min / +4 h for a major one)."""
    client = key_client()
    shipment = ShipmentFactory(partner=client.partner)
    response = client.post(
        "/api/v1/complaints/",
        {**BODY, "shipment": shipment.waybill_number},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    c = Complaint.objects.get(pk=data["id"])
    assert (c.partner, c.shipment, c.channel, c.created_by) == (
        client.partner,
        shipment,
        "api",
        client.partner.service_user,
    )
    assert (data["state"], data["shipment"]) == ("received", shipment.waybill_number)
    detail = client.get(f"/api/v1/complaints/{c.pk}/").json()
    assert detail["respond_by"] is not None
    assert c.respond_by == c.received_at + (c.resolve_by - c.received_at) / 8
    assert [row["id"] for row in client.get("/api/v1/complaints/").json()["results"]] == [c.pk]


def test_partner_cannot_reach_another_partners_shipment_or_complaint(key_client):
    """CMP-01: another partner's shipment is refused (400); its complaints are invisible (404)."""
    a, b = key_client(), key_client()
    foreign = ShipmentFactory(partner=a.partner)
    response = b.post(
        "/api/v1/complaints/",
        {**BODY, "shipment": foreign.waybill_number},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "shipment" in response.json()["details"]
    created = a.post("/api/v1/complaints/", BODY, content_type="application/json").json()
    assert b.get(f"/api/v1/complaints/{created['id']}/").status_code == 404
    assert b.get("/api/v1/complaints/").json()["results"] == []
    feedback = b.post(
        f"/api/v1/complaints/{created['id']}/feedback/",
        {"accepted": True},
        content_type="application/json",
    )
    assert feedback.status_code == 404


def test_partner_accepts_or_rejects_the_proposed_solution(key_client, org):
    """CMP-07: the merchant reads the proposed solution and accepts (→ closed) or rejects
    (→ reopened and escalated); answering at the wrong time is a 409."""
    client = key_client()
    ids = [
        client.post("/api/v1/complaints/", BODY, content_type="application/json").json()["id"]
        for _ in range(2)
    ]
    early = client.post(
        f"/api/v1/complaints/{ids[0]}/feedback/",
        {"accepted": True},
        content_type="application/json",
    )
    assert (early.status_code, early.json()["code"]) == (409, "invalid_state")
    for pk in ids:
        c = Complaint.objects.get(pk=pk)
        u = org.agent.user
        complaint_accept(c, user=u)
        complaint_investigate(c, user=u)
        complaint_findings_record(c, user=u, findings="延误", employee=org.agent)
        complaint_solution_propose(c, user=u, solution="赔付运费")
        complaint_solution_send(c, user=u)
    assert client.get(f"/api/v1/complaints/{ids[0]}/").json()["solution"] == "赔付运费"
    ok = client.post(
        f"/api/v1/complaints/{ids[0]}/feedback/",
        {"accepted": True},
        content_type="application/json",
    )
    assert (ok.status_code, ok.json()["state"]) == (200, State.CLOSED)
    no = client.post(
        f"/api/v1/complaints/{ids[1]}/feedback/",
        {"accepted": False, "comment": "不接受"},
        content_type="application/json",
    )
    assert (no.status_code, no.json()["state"], no.json()["escalation_level"]) == (
        200,
        "investigating",
        1,
    )
    assert (
        WebhookEvent.objects.filter(
            partner=client.partner, event_type="complaint.status_changed", payload__state="closed"
        ).count()
        == 1
    )


def test_read_only_key_cannot_file(key_client):
    """CMP-01: filing needs the complaints:write scope."""
    client = key_client(scopes=["complaints:read"])
    assert (
        client.post("/api/v1/complaints/", BODY, content_type="application/json").status_code == 403
    )
