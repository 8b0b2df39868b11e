"""Personal data masked by role (issue 12 point 2; ORG-03 with GB/T 41833-2022): the one masking
style (courier.core.masking), each role × page (change list, change page, history, historical
version, print views), the reveal record, and the print pages without inline scripts (CSP)."""

import logging
import re

import pytest
from django.contrib.staticfiles import finders

from complaints.models import Category, Channel, Kind, Severity
from complaints.services import complaint_create
from courier.core import masking
from courier.core.models import PersonalDataReveal
from courier.shipments.models import Order
from courier.shipments.services.modify import shipment_modify
from courier.shipments.services.returns import recall_issue
from tests.courier.factories import ShipmentFactory, intake, role_user
from tests.factories import EmployeeFactory, UserFactory
from tracking import rules as tracking_rules
from tracking.services import contact_record

pytestmark = pytest.mark.django_db

FULL = ["张三", "13812345678", "科技园路2号", "李发货", "021-62345678", "南京西路1号"]
MASKED_RECIPIENT = ["张*", "138********"]
MASKED_SENDER = ["李**", "021-********"]
NON_REVEALING = ["finance", "hq", "warehouse", "printing", "supervisor", "manager"]


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _assert_masked(html: str):
    for value in FULL:
        assert value not in html
    for value in MASKED_RECIPIENT + MASKED_SENDER:
        assert value in html


def _assert_full(html: str):
    for value in FULL:
        assert value in html


# --- the one style ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind, value, masked",
    [
        (masking.NAME, "张三", "张*"),
        (masking.NAME, "欧阳娜娜", "欧***"),
        (masking.NAME, "李", "*"),
        (masking.PHONE, "13812345678", "138********"),
        (masking.PHONE, "+86 138 1234 5678", "+86 1** **** ****"),
        (masking.PHONE, "021-62345678", "021-********"),
        (masking.PHONE, "12345678", "12******"),
        (masking.ADDRESS, "科技园路2号", "****"),
        (masking.ADDRESS, "", ""),
        (masking.EMAIL, "wang@example.com", "w***@example.com"),
        (masking.NAME, None, ""),
    ],
)
def test_mask_values(kind, value, masked):
    """ORG-03: names keep one character, phones hide at least 6 digits (the last 4 included),
    addresses keep nothing below the district (GB/T 41833-2022)."""
    assert masking.mask(kind, value) == masked
    if kind == masking.PHONE:
        digits = [c for c in value if c.isdigit()]
        assert sum(c == "*" for c in masked) >= min(6, len(digits))


def test_public_lookup_uses_the_same_masking():
    """ORG-03, TRK-11: the public lookup masks with the one implementation in courier.core."""
    assert tracking_rules.mask_name is masking.mask_name
    assert tracking_rules.mask_phone is masking.mask_phone
    assert tracking_rules.mask_address is masking.mask_address
    assert masking.full_address("上海市", "上海市", "静安区", "南京西路1号", reveal=False) == (
        "上海市静安区****"
    )


# --- orders: change list, change page, history ------------------------------------------------
@pytest.mark.parametrize("role", NON_REVEALING + ["agent"])
def test_order_changelist_masked_for_every_role(client, role):
    """ORG-03: the order list shows the recipient masked for every role, the agents' too."""
    intake()
    html = _page(client, role_user(role), "/admin/courier/order/")
    assert "张*" in html and "张三" not in html
    assert PersonalDataReveal.objects.count() == 0


@pytest.mark.parametrize("role", NON_REVEALING)
def test_order_change_page_masked_for_roles_without_need(client, role):
    """ORG-03: finance, HQ, warehouse, printing, supervisors and managers see the order's sender
    and recipient masked (addresses down to the district), and nothing is recorded."""
    order = intake().order
    html = _page(client, role_user(role), f"/admin/courier/order/{order.pk}/change/")
    _assert_masked(html)
    assert "南山区" in html and "****" in html
    assert PersonalDataReveal.objects.count() == 0


@pytest.mark.parametrize("role", ["agent", "presales", "aftersales"])
def test_order_change_page_full_for_the_handling_agent_and_recorded(client, role, caplog):
    """ORG-03: an agent handling the order (no other dedicated agent) sees it in full; the reveal
    is recorded per field (who, object, field, view, when) and logged, never the value."""
    order = intake().order
    user = role_user(role)
    with caplog.at_level(logging.INFO, logger="courier.privacy"):
        html = _page(client, user, f"/admin/courier/order/{order.pk}/change/")
    _assert_full(html)
    rows = PersonalDataReveal.objects.order_by("field")
    assert [(r.user_id, r.object_type, r.object_id, r.field, r.view) for r in rows] == [
        (user.pk, "courier.order", str(order.pk), name, "change")
        for name in sorted(
            [
                "recipient_address",
                "recipient_name",
                "recipient_phone",
                "sender_address",
                "sender_name",
                "sender_phone",
            ]
        )
    ]
    assert all(r.revealed_at is not None for r in rows)
    logged = [r.getMessage() for r in caplog.records if r.name == "courier.privacy"]
    assert logged == [
        f"personal data revealed: user={user.pk} object=courier.order:{order.pk} "
        "fields=recipient_address,recipient_name,recipient_phone,sender_address,sender_name,"
        "sender_phone view=change"
    ]
    assert not any(value in logged[0] for value in FULL)


def test_order_change_page_masked_for_an_agent_not_handling_it(client):
    """ORG-03: object-level need: when another agent is the shipment's dedicated agent, an agent
    sees the order masked."""
    result = intake()
    other = role_user("agent")
    result.shipment.dedicated_agent = other
    result.shipment.save(update_fields=["dedicated_agent"])
    html = _page(client, role_user("agent"), f"/admin/courier/order/{result.order.pk}/change/")
    _assert_masked(html)
    assert PersonalDataReveal.objects.count() == 0
    _assert_full(_page(client, other, f"/admin/courier/order/{result.order.pk}/change/"))


@pytest.mark.parametrize("role", NON_REVEALING + ["agent"])
def test_order_history_changes_masked(client, role):
    """ORG-03: the History page's "Changes" column shows old and new phone masked, for every
    role."""
    result = intake()
    boss = UserFactory(username="boss", is_superuser=True)
    shipment_modify(
        result.shipment, {"recipient_phone": "13998765432"}, user=boss, confirmed_via="chat"
    )
    html = _page(client, role_user(role), f"/admin/courier/order/{result.order.pk}/history/")
    assert "138********" in html and "139********" in html
    assert "13812345678" not in html and "13998765432" not in html
    assert PersonalDataReveal.objects.count() == 0


def test_order_remarks_quote_changed_phones_masked(client):
    """ORG-03, SHP-06: the modification remark quotes the new phone; the order page shows it
    masked, to the handling agent too (the full value is in the field above)."""
    result = intake()
    boss = UserFactory(username="boss", is_superuser=True)
    shipment_modify(
        result.shipment, {"recipient_phone": "13998765432"}, user=boss, confirmed_via="chat"
    )
    assert "13998765432" in result.order.remarks.get().text
    for role in ["finance", "agent"]:
        html = _page(client, role_user(role), f"/admin/courier/order/{result.order.pk}/change/")
        remarks = html[html.index('id="remarks-group"') :]
        assert "139********" in remarks and "13998765432" not in remarks


def test_order_historical_version_masked_or_recorded(client):
    """ORG-03: a historical version's page shows the values masked to finance and in full to the
    handling agent, recorded with the view "history"."""
    order = intake().order
    version = Order.history.filter(id=order.pk).earliest("history_date")
    url = f"/admin/courier/order/{order.pk}/history/{version.history_id}/"
    _assert_masked(_page(client, role_user("finance"), url))
    agent = role_user("agent")
    _assert_full(_page(client, agent, url))
    assert set(PersonalDataReveal.objects.values_list("user_id", "view")) == {(agent.pk, "history")}


# --- print views ---------------------------------------------------------------------------------
def test_waybill_print_full_for_the_printing_desk_only(client):
    """ORG-03: the printing desk prints the label in full (recorded, view "print"); finance,
    HQ, warehouse, supervisors and agents get the label masked, the address down to the
    district."""
    shipment = intake().shipment
    url = f"/admin/courier/shipment/{shipment.pk}/print/"
    for role in ["finance", "hq", "warehouse", "supervisor", "agent"]:
        html = _page(client, role_user(role), url)
        _assert_masked(html)
        assert "广东省深圳市南山区****" in html and "上海市上海市静安区****" in html
    assert PersonalDataReveal.objects.count() == 0
    printer = role_user("printing")
    html = _page(client, printer, url)
    _assert_full(html)
    assert "广东省深圳市南山区科技园路2号" in html
    rows = PersonalDataReveal.objects.all()
    assert {(r.user_id, r.object_type, r.object_id, r.view) for r in rows} == {
        (printer.pk, "courier.order", str(shipment.order_id), "print")
    }
    assert rows.count() == 6


def test_return_slip_print_masked_except_printing_desk(client):
    """ORG-03, RET-01: the recall slip's "return to" is masked for finance and full for the
    printing desk (recorded)."""
    boss = UserFactory(username="boss", is_superuser=True)
    shipped = ShipmentFactory(state="in_transit")
    slip = recall_issue(shipped, user=boss, reason="客户不要了", courier_name="老赵")
    url = f"/admin/courier/recallslip/{slip.pk}/print/"
    html = _page(client, role_user("finance"), url)
    assert "李**" in html and "021-********" in html and "南京西路1号" not in html
    html = _page(client, role_user("printing"), url)
    assert "李发货 021-62345678" in html and "南京西路1号" in html
    assert set(PersonalDataReveal.objects.values_list("field", flat=True)) == {
        "sender_name",
        "sender_phone",
        "sender_address",
    }


# --- complaints and contacts ---------------------------------------------------------------------
def _complaint(agent_employee=None):
    return complaint_create(
        user=UserFactory(username="boss", is_superuser=True),
        channel=Channel.HOTLINE,
        customer_name="王先生",
        customer_phone="13800001111",
        customer_email="wang@example.com",
        description="快递三天未送达",
        category=Category.DELAY,
        kind=Kind.COMPLAINT,
        severity=Severity.ORDINARY,
        assigned_agent=agent_employee,
    )


def test_complaint_masked_unless_assigned_to_the_agent(client):
    """ORG-03: the complaint's customer is masked on its list, change page and history except to
    the agent it is assigned to (recorded); its name in titles and links is masked."""
    mine = EmployeeFactory(user=role_user("agent"))
    complaint = _complaint(mine)
    assert str(complaint).endswith(" 王**")
    change = f"/admin/complaints/complaint/{complaint.pk}/change/"
    for user in [role_user("agent"), role_user("supervisor"), role_user("hq")]:
        html = _page(client, user, change)
        assert "13800001111" not in html and "王先生" not in html
        assert "138********" in html and "w***@example.com" in html
    assert PersonalDataReveal.objects.count() == 0
    html = _page(client, mine.user, change)
    assert "13800001111" in html and "wang@example.com" in html
    assert set(PersonalDataReveal.objects.values_list("user_id", "field", "view")) == {
        (mine.user_id, f, "change") for f in ["customer_name", "customer_phone", "customer_email"]
    }
    history = _page(client, mine.user, f"/admin/complaints/complaint/{complaint.pk}/history/")
    assert "王先生" not in history and "13800001111" not in history


def test_contact_log_masked_unless_the_agents_own(client):
    """ORG-03, TRK-01: a logged contact is shown in full to its own agent only."""
    mine = EmployeeFactory(user=role_user("agent"))
    contact = contact_record(
        user=mine.user,
        channel="hotline",
        kind="query",
        customer_name="赵六",
        customer_phone="13900002222",
        summary="问件",
        agent=mine,
    )
    url = f"/admin/tracking/contactlog/{contact.pk}/change/"
    html = _page(client, role_user("agent"), url)
    assert "赵*" in html and "139********" in html and "13900002222" not in html
    html = _page(client, mine.user, url)
    assert "赵六" in html and "13900002222" in html
    assert PersonalDataReveal.objects.filter(user=mine.user, view="change").count() == 2


# --- CSP: no inline handlers left --------------------------------------------------------------
def test_print_pages_have_no_inline_script_and_csp_has_no_hash_allowance(client, settings):
    """ORG-03 hardening: the print buttons and the language switch are wired by a static script;
    the CSP allows scripts from the site only (no 'unsafe-hashes')."""
    shipment = intake().shipment
    client.force_login(role_user("printing"))
    response = client.get(f"/admin/courier/shipment/{shipment.pk}/print/")
    html = response.content.decode()
    assert not re.search(r"\son[a-z]+=|javascript:", html)
    assert "data-print" in html and "/static/courier/ui.js" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-hashes" not in csp
    assert not getattr(settings, "CSP_ALLOWED_INLINE_HANDLERS", [])
    admin_html = client.get("/admin/").content.decode()
    assert "data-autosubmit" in admin_html and "onchange" not in admin_html
    assert finders.find("courier/ui.js")
