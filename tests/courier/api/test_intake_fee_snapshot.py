"""FIN-01/FIN-02 at intake: the shipment's fee snapshot is written in the create's own transaction
and answered by the create; the credit decision is taken in that transaction; the schedule's
compiled prices are never served stale after a committed change; exact query counts.

Worked example (checked by hand), the contract of ``tests.finance.factories.contract``: a
3.2 kg parcel of 40×30×20 cm = 0.024 m³ from 上海 (华东) to 广东 (华南) by road (a shipment's
modes are road, air and sea), lane divisor 6000: volumetric 24,000 ÷ 6000 = 4.0 kg > 3.2 kg, so
4.0 kg is charged: first 1 kg 8.00, then ⌈(4.0 − 1) ÷ 0.5⌉ = 6 steps × 1.50 = 9.00: freight
17.00. Declared value 2,000 yuan at 3‰ = 6.00 (above the minimum of 1.00, below the cap):
insurance 6.00. Total 23.00. A declared value of 200 yuan: 0.60 < 1.00, so the minimum 1.00
applies. (The quote tests price the same parcel by express: 12.00 + 6 × 2.50 = 27.00.)
"""

import json
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courier.core.models import Notification
from courier.finance.models import CreditHold, FeeLane, FeeRegion, FinanceSettings, ShipmentFeeLine
from courier.finance.services import fees
from tests.courier.api.test_shipments_api import URL, body, post
from tests.factories import UserFactory
from tests.finance.factories import contract, parcel

pytestmark = pytest.mark.django_db


def finance_user():
    """A user in the finance group (whom finance notices go to)."""
    from django.contrib.auth.models import Group

    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name="finance")[0])
    return user


PARCEL = {
    "transport_mode": "road",
    "weight_kg": "3.2",
    "volume_m3": "0.024",
    "declared_value": "2000.00",
}


def _lines(data):
    return [(x["kind"], x["code"], x["amount"], x["chargeable_kg"]) for x in data["fee_lines"]]


def test_create_answers_the_fee_snapshot_with_insurance(key_client):
    """FIN-01: POST /api/v1/shipments/ answers the shipment's fee lines, written in the create's
    transaction: freight 17.00 on 4.0 kg chargeable and insurance 6.00 (2,000 × 3‰), the rule
    of each; the same lines are stored and answered again by the detail."""
    partner, version = contract(account={"credit_limit": D("1000")})
    client = key_client(partner)
    response = post(client, URL, body(partner_ref="FEE-1", **PARCEL))
    assert response.status_code == 201, response.content
    data = response.json()
    assert _lines(data) == [
        ("freight", "freight", "17.00", "4.000"),
        ("insurance", "insurance", "6.00", None),
    ]
    freight, insurance = data["fee_lines"]
    assert freight["rule"]["divisor"] == 6000 and freight["rule"]["chargeable_kg"] == "4.000"
    assert insurance["rule"]["rate_permille"] == "3.000"
    assert insurance["rule"]["minimum"] == "1.00"
    stored = ShipmentFeeLine.objects.filter(shipment__waybill_number=data["waybill_number"])
    assert [(x.kind, x.amount, x.version_id) for x in stored.order_by("id")] == [
        ("freight", D("17.00"), version.pk),
        ("insurance", D("6.00"), version.pk),
    ]
    assert all(x.partner_id == partner.pk and x.created_by == partner.service_user for x in stored)
    detail = client.get(f"{URL}{data['waybill_number']}/").json()
    assert detail["fee_lines"] == data["fee_lines"]
    assert not CreditHold.objects.exists()


def test_insurance_minimum_and_replay_answers_the_same_lines(key_client):
    """FIN-01: a declared value of 200 yuan gives 0.60 at 3‰, so the minimum 1.00 is charged;
    the same partner reference again answers 200 with the lines written the first time (no
    second snapshot)."""
    partner, _version = contract(account={"credit_limit": D("1000")})
    client = key_client(partner)
    first = post(client, URL, body(partner_ref="FEE-2", **{**PARCEL, "declared_value": "200"}))
    assert first.status_code == 201, first.content
    assert _lines(first.json())[1] == ("insurance", "insurance", "1.00", None)
    again = post(client, URL, body(partner_ref="FEE-2", **{**PARCEL, "declared_value": "200"}))
    assert again.status_code == 200
    assert again.json()["fee_lines"] == first.json()["fee_lines"]
    assert ShipmentFeeLine.objects.count() == 2


def test_over_credit_is_held_in_the_same_transaction_not_lost(key_client):
    """FIN-02: a partner with a credit limit of 20.00 creates a 23.00 shipment: it is created
    (201, lines answered) and held for credit by the same transaction, with the exposure before
    it (0.00) and the reason; finance is told once. A second shipment sees the first one's
    23.00 as exposure."""
    finance = finance_user()
    partner, _version = contract(account={"credit_limit": D("20")})
    client = key_client(partner)
    response = post(client, URL, body(partner_ref="HOLD-1", **PARCEL))
    assert response.status_code == 201, response.content
    assert _lines(response.json())[0][2] == "17.00"
    hold = CreditHold.objects.get(shipment__waybill_number=response.json()["waybill_number"])
    assert (hold.state, hold.amount, hold.exposure) == ("held", D("23.00"), D("0.00"))
    assert hold.reasons == ["credit_limit"]
    assert Notification.objects.filter(
        recipient=finance, dedupe_key=f"finance-hold-{hold.shipment_id}"
    ).exists()
    second = post(client, URL, body(partner_ref="HOLD-2", **PARCEL))
    assert second.status_code == 201
    assert CreditHold.objects.get(
        shipment__waybill_number=second.json()["waybill_number"]
    ).exposure == D("23.00")


def test_unpriceable_create_goes_through_and_finance_is_told(key_client):
    """FIN-01 bad input: a recipient province in no fee region does not refuse the create: the
    shipment is created without fee lines (none answered), finance is told once, and the sweep
    prices it later."""
    finance = finance_user()
    partner, _version = contract(account={"credit_limit": D("1000")})
    response = post(
        key_client(partner), URL, body(partner_ref="MARS", recipient_province="火星", **PARCEL)
    )
    assert response.status_code == 201, response.content
    assert response.json()["fee_lines"] == []
    assert not ShipmentFeeLine.objects.exists()
    assert (
        Notification.objects.filter(
            recipient=finance, dedupe_key__startswith="finance-unpriced-"
        ).count()
        == 1
    )


def test_create_runs_no_more_queries_for_more_lines_and_publishes_nothing(key_client, monkeypatch):
    """FIN-01 (speed): the priced create queues no task (nothing is published after commit):
    its snapshot is already written."""
    from courier.finance.tasks import shipment_fees_snapshot as task

    published = []
    monkeypatch.setattr(task, "apply_async", lambda *a, **kw: published.append(a))
    partner, _version = contract(account={"credit_limit": D("1000")})
    response = post(key_client(partner), URL, body(partner_ref="NOPUB", **PARCEL))
    assert response.status_code == 201
    assert published == []


# --- the compiled schedule: one query per quote, never stale ----------------------------------


def _freight(partner):
    return fees.fee_quote(partner, parcel()).lines[0].amount


def test_quote_is_one_query_with_the_schedule_compiled():
    """FIN-01 (speed): once compiled, a quote reads one query (the version in force with its
    stamp); the first one compiles (more)."""
    partner, _version = contract()
    fees.cache_clear()
    with CaptureQueriesContext(connection) as cold:
        assert _freight(partner) == D("27.00")
    with CaptureQueriesContext(connection) as warm:
        assert _freight(partner) == D("27.00")
    assert len(cold) > 1
    assert len(warm) == 1


def test_a_committed_schedule_change_is_priced_at_the_next_quote():
    """FIN-01: the per-process compiled prices are never served stale: with no cache clearing,
    a lane's new first price (12.00 → 20.00: freight 35.00), a province moved out of its
    region (unknown zone), and a lower largest accepted weight (3 kg: 3.2 kg refused) each
    apply at the very next quote."""
    partner, version = contract()
    assert _freight(partner) == D("27.00")
    lane = FeeLane.objects.get(version=version, mode="express", province="")
    lane.first_price = D("20.00")
    lane.save()
    assert _freight(partner) == D("35.00")
    south = FeeRegion.objects.get(code="HN")
    kept = south.provinces
    south.provinces = "\n".join(p for p in kept.splitlines() if "广东" not in p)
    south.save()
    with pytest.raises(fees.FinanceInvalid) as exc:
        _freight(partner)
    assert "destination_province" in exc.value.message_dict
    south.provinces = kept
    south.save()
    assert _freight(partner) == D("35.00")
    settings_row = FinanceSettings.current()
    settings_row.max_weight_kg = D("3")
    settings_row.save()
    with pytest.raises(fees.FinanceInvalid) as exc:
        _freight(partner)
    assert "weight_kg" in exc.value.message_dict


def test_quote_api_costs_me_plus_exactly_one_query(key_client):
    """FIN-01 (speed, issue 15): POST /api/v1/quotes/ runs exactly the queries of
    GET /api/v1/me/ plus one (the version in force with its stamp), and opens no write
    transaction of its own."""
    partner, _ = contract()
    client = key_client(partner)
    quote = {**{k: str(v) for k, v in parcel().items()}, "declared_value": "2000"}

    def send():
        return client.post("/api/v1/quotes/", json.dumps(quote), content_type="application/json")

    assert send().status_code == 200  # compiles the schedule
    client.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as me:
        assert client.get("/api/v1/me/").status_code == 200
    with CaptureQueriesContext(connection) as quoted:
        response = send()
    assert response.status_code == 200 and response.json()["total"] == "33.00"
    assert len(quoted) == len(me) + 1, [q["sql"][:80] for q in quoted]
