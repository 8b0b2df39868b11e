"""FIN-01/03/04 partner API: quotes, statements (confirm, dispute), the ledger."""

import json
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courier.finance.models import StatementDispute
from courier.finance.services import fees, statements
from tests.finance.factories import contract
from tests.finance.helpers import finance_user
from tests.finance.test_statements import built

pytestmark = pytest.mark.django_db

QUOTE = {
    "mode": "express",
    "origin_province": "上海市",
    "destination_province": "广东省",
    "weight_kg": "3.2",
    "length_cm": "40",
    "width_cm": "30",
    "height_cm": "20",
    "declared_value": "2000",
}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_quote_endpoint(key_client):
    """FIN-01: POST /api/v1/quotes/ answers the lines with the rule used for each: 3.2 kg,
    40×30×20 cm 上海 → 广东 express: freight 27.00 (4.0 kg chargeable, divisor 6000) and
    insurance 6.00 (2,000 × 3‰); total 33.00."""
    partner, _ = contract()
    client = key_client(partner)
    r = post(client, "/api/v1/quotes/", QUOTE)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total"] == "33.00" and body["chargeable_kg"] == "4.000"
    assert [(x["code"], x["amount"]) for x in body["lines"]] == [
        ("freight", "27.00"),
        ("insurance", "6.00"),
    ]
    assert body["lines"][0]["rule"]["divisor"] == 6000
    assert body["lines"][1]["rule"]["rate_permille"] == "3.000"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weight_kg": "-1"}, "weight_kg"),
        ({"weight_kg": "80000"}, "weight_kg"),
        ({"origin_province": "火星"}, "origin_province"),
        ({"height_cm": "0"}, "height_cm"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_quote_bad_input_400_names_the_field(key_client, change, field):
    """FIN-01 bad input: 400 with the field named; no 500."""
    partner, _ = contract()
    r = post(key_client(partner), "/api/v1/quotes/", {**QUOTE, **change})
    assert r.status_code == 400, r.content
    assert field in json.dumps(r.json()["details"])


def test_quote_costs_at_most_me_plus_one_query(key_client):
    """Speed: a quote costs at most as much as GET /api/v1/me/ plus one query (the schedule
    in force; its prices are compiled once per process)."""
    partner, _ = contract()
    client = key_client(partner)
    post(client, "/api/v1/quotes/", QUOTE)  # warm the compiled schedule
    client.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as me:
        assert client.get("/api/v1/me/").status_code == 200
    with CaptureQueriesContext(connection) as quote:
        assert post(client, "/api/v1/quotes/", QUOTE).status_code == 200
    assert len(quote) <= len(me) + 1, [q["sql"] for q in quote]


def test_statement_list_detail_confirm(key_client):
    """FIN-03: the partner lists its issued statements, reads the lines and confirms; the
    draft of another partner is invisible and another partner's statement is 404."""
    statement, _ = built()
    statements.statement_issue(statement, user=finance_user())
    client = key_client(statement.partner)
    listed = client.get("/api/v1/statements/").json()["results"]
    assert [s["number"] for s in listed] == [statement.number]
    detail = client.get(f"/api/v1/statements/{statement.number}/").json()
    assert [x["amount"] for x in detail["lines"]] == ["23.00", "23.00"]
    other, _ = contract()
    assert key_client(other).get(f"/api/v1/statements/{statement.number}/").status_code == 404
    assert (
        post(key_client(other), f"/api/v1/statements/{statement.number}/confirm/", {}).status_code
        == 404
    )
    r = post(client, f"/api/v1/statements/{statement.number}/confirm/", {"lines": [1]})
    assert r.status_code == 200
    assert [x["partner_state"] for x in r.json()["lines"]] == ["confirmed", "open"]
    r = post(client, f"/api/v1/statements/{statement.number}/confirm/", {})
    assert r.status_code == 200 and r.json()["state"] == "confirmed"
    assert post(client, f"/api/v1/statements/{statement.number}/confirm/", {}).status_code == 409
    ledger = client.get("/api/v1/ledger/").json()["results"]
    assert [(e["kind"], e["amount"]) for e in ledger] == [("charge", "46.00")]


def test_statement_dispute_line(key_client):
    """FIN-04: the partner disputes line 2 with its figure; 201 with the due date; an unknown
    line is 400 naming ``line``; the statement is then disputed."""
    statement, _ = built()
    statements.statement_issue(statement, user=finance_user())
    client = key_client(statement.partner)
    url = f"/api/v1/statements/{statement.number}/dispute/"
    assert post(client, url, {"line": 9, "reason": "x"}).status_code == 400
    r = post(
        client,
        url,
        {"line": 2, "reason": "重量不符", "their_amount": "20.00", "evidence": "称重照片编号 17"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["line"] == 2 and r.json()["disputed_amount"] == "3.00"
    dispute = StatementDispute.objects.get()
    assert dispute.raised_by == statement.partner.service_user
    assert client.get(f"/api/v1/statements/{statement.number}/").json()["state"] == "disputed"
    assert post(client, url, {"line": 2, "reason": "again", "their_amount": "1"}).status_code == 409


def test_snapshot_unaffected_by_quote_cache():
    """FIN-01: the compiled prices follow a version's revision (bumped by the admin)."""
    partner, version = contract()
    compiled = fees.compiled_version(version)
    version.revision += 1
    version.save()
    assert fees.compiled_version(version) is not compiled
    assert fees.fee_quote(
        partner,
        {
            **QUOTE,
            "weight_kg": D("3.2"),
            "length_cm": D("40"),
            "width_cm": D("30"),
            "height_cm": D("20"),
            "declared_value": None,
        },
    ).total == D("27.00")
