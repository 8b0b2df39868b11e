"""Issue 14 item 4: the busy change lists stay flat in volume. Each runs the same, exact number
of queries for 100 rows as for 3 (no query per row), never counts the whole table, filters by
date with a range (no ``date_hierarchy``) and searches identifiers exactly (indexable
``=`` on the column, not ``UPPER(...)``)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint, Escalation
from courier.shipments.models import Order, Shipment
from tests.courier.factories import OrderFactory, ShipmentFactory, private_storage
from tests.factories import EmployeeFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    return private_storage(settings, tmp_path)


@pytest.fixture
def boss(client):
    user = UserFactory(username="boss", is_superuser=True)
    client.force_login(user)
    return user


def _complaints(n: int, start: int = 0) -> list[Complaint]:
    now = timezone.now()
    partner = PartnerFactory()
    shipment = ShipmentFactory(order=OrderFactory(partner=partner))
    agents = [EmployeeFactory() for _ in range(3)]
    return Complaint.objects.bulk_create(
        [
            Complaint(
                channel="hotline",
                customer_name="王先生",
                customer_phone=f"1380000{start + i:04d}",
                category="delay",
                severity="major",
                description="快递三天未送达",
                received_at=now - timedelta(minutes=start + i),
                partner=partner,
                shipment=shipment,
                assigned_agent=agents[i % 3],
                escalated_to=agents[(i + 1) % 3],
                escalation_level=1,
            )
            for i in range(n)
        ]
    )


def _escalations(complaints) -> None:
    now = timezone.now()
    agent = EmployeeFactory()
    Escalation.objects.bulk_create(
        [
            Escalation(
                complaint=c,
                from_level=0,
                to_level=1,
                trigger="response",
                escalated_at=now,
                to_employee=agent if i % 2 else EmployeeFactory(),
            )
            for i, c in enumerate(complaints)
        ]
    )


def _shipments(n: int) -> None:
    for _ in range(n):
        ShipmentFactory(order=OrderFactory(partner=PartnerFactory()))


def _list(client, url: str, rows: int) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows
    return [q["sql"] for q in ctx.captured_queries]


def _no_full_count(queries: list[str], table: str) -> None:
    counts = [q for q in queries if "COUNT(" in q.upper() and table in q]
    # Only the paginator's capped count (a LIMIT inside): never the whole table, never twice.
    assert all("LIMIT" in q.upper() for q in counts), counts
    assert len(counts) <= 1, counts


# The session and user, the capped count, five singleton-settings checks of the admin's
# navigation, the page's rows (their people joined), the viewer's employee profile (masking);
# on PostgreSQL the paginator first reads the table's size estimate (``pg_class``).
_PG = 1 if connection.vendor == "postgresql" else 0
COMPLAINTS_QUERIES = 10 + _PG
ESCALATIONS_QUERIES = 10 + _PG
SHIPMENTS_QUERIES = 11 + _PG
ORDERS_QUERIES = 11 + _PG


def test_complaints_changelist_runs_the_same_queries_for_3_and_100_rows(client, boss):
    """CMP-06: the complaints change list runs exactly COMPLAINTS_QUERIES queries whether it
    shows 3 or 100 complaints (agents and people with the rows), and no full count."""
    _complaints(3)
    few = _list(client, "/admin/complaints/complaint/", 3)
    _complaints(97, start=3)
    many = _list(client, "/admin/complaints/complaint/?all=", 100)
    assert (len(few), len(many)) == (COMPLAINTS_QUERIES, COMPLAINTS_QUERIES)
    _no_full_count(many, "complaints_complaint")
    assert not any("DATE_TRUNC" in q.upper() or "django_datetime_trunc" in q for q in many)


def test_escalations_changelist_runs_the_same_queries_for_3_and_100_rows(client, boss):
    """CMP-04: the escalation ledger's change list is flat too (complaint and employee joined)."""
    _escalations(_complaints(3))
    few = _list(client, "/admin/complaints/escalation/", 3)
    _escalations(_complaints(97, start=3))
    many = _list(client, "/admin/complaints/escalation/", 100)
    assert (len(few), len(many)) == (ESCALATIONS_QUERIES, ESCALATIONS_QUERIES)
    _no_full_count(many, "complaints_escalation")


def test_shipments_and_orders_changelists_are_flat(client, boss):
    """SHP-01: shipments and orders change lists run the same exact number of queries for 3
    and 100 rows (partners and orders joined), without a full count."""
    _shipments(3)
    few_s = _list(client, "/admin/courier/shipment/", 3)
    few_o = _list(client, "/admin/courier/order/", 3)
    _shipments(97)
    many_s = _list(client, "/admin/courier/shipment/?all=", 100)
    many_o = _list(client, "/admin/courier/order/?all=", 100)
    assert (len(few_s), len(many_s)) == (SHIPMENTS_QUERIES, SHIPMENTS_QUERIES)
    assert (len(few_o), len(many_o)) == (ORDERS_QUERIES, ORDERS_QUERIES)
    _no_full_count(many_s, "courier_shipment")
    _no_full_count(many_o, "courier_order")


def test_complaint_list_filters_by_a_date_range_and_searches_identifiers_exactly(client, boss):
    """CMP-06: received-at is a range filter (``__gte``/``__lt``), search matches the phone, the
    complaint number or the waybill exactly, with no UPPER()/LIKE over text columns."""
    complaints = _complaints(5)
    old = complaints[0]
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    since = (timezone.now() - timedelta(days=7)).isoformat()
    recent = client.get("/admin/complaints/complaint/", {"received_at__gte": since})
    assert old.pk not in {c.pk for c in recent.context["cl"].result_list}
    assert len(recent.context["cl"].result_list) == 4
    target = complaints[2]
    for term in (target.customer_phone, str(target.pk)):
        with CaptureQueriesContext(connection) as ctx:
            found = client.get("/admin/complaints/complaint/", {"q": term})
        assert [c.pk for c in found.context["cl"].result_list] == [target.pk]
        assert not any("LIKE" in q["sql"].upper() or "UPPER(" in q["sql"].upper() for q in ctx)
    waybill = target.shipment.waybill_number
    by_waybill = client.get("/admin/complaints/complaint/", {"q": waybill})
    assert len(by_waybill.context["cl"].result_list) == 5  # all five share the shipment
    text = client.get("/admin/complaints/complaint/", {"q": "快递"})
    assert list(text.context["cl"].result_list) == []


def test_order_search_by_partner_reference_is_exact_and_case_sensitive(client, boss):
    """SHP-01: the partner reference is matched as stored (its index), not UPPER(...)."""
    order = OrderFactory(partner_ref="Ref-ABC-1")
    with CaptureQueriesContext(connection) as ctx:
        found = client.get("/admin/courier/order/", {"q": "Ref-ABC-1"})
    assert [o.pk for o in found.context["cl"].result_list] == [order.pk]
    assert not any("UPPER(" in q["sql"].upper() for q in ctx)
    other_case = client.get("/admin/courier/order/", {"q": "ref-abc-1"})
    assert list(other_case.context["cl"].result_list) == []
    assert Order.objects.count() == 1 and Shipment.objects.count() == 0
