"""The order desk's admin steps, each offered to the right role only (issue 13 points 1-6)."""

import pytest

from courier.shipments.models import DeskInstruction, OrderRemark, RefundTask, StockConfirmation
from courier.shipments.services.shipments import shipment_cancel
from tests.courier.factories import intake, role_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops():
    return UserFactory(username="ops", is_superuser=True)


def _staff(role, name):
    return role_user(role, name, is_staff=True)


def test_special_request_in_the_admin_listed_until_passed_on(client, ops):
    """SHP-13, P1, P2: pre-sales records a special request on the order page; until confirmed
    with the customer it is listed under "not passed on"; confirming passes it to the printing
    desk; the printing desk cannot record requests."""
    order = intake(user=ops, partner_ref="TB-9001").order
    client.cookies["django_language"] = "en"
    client.force_login(_staff("printing", "printer"))
    url = f"/admin/courier/order/{order.pk}/do/special_request/"
    assert client.get(url).status_code == 403
    presales = _staff("presales", "pre1")
    client.force_login(presales)
    page = client.get(f"/admin/courier/order/{order.pk}/change/").content.decode()
    assert url in page
    response = client.post(url, {"request_kind": "card", "text": "生日快乐", "confirmed_via": ""})
    assert response.status_code == 302
    remark = OrderRemark.objects.get()
    assert remark.text.startswith("客户要求附贺卡，贺卡内容：生日快乐——")
    listing = client.get("/admin/courier/orderremark/?passed_on=no").content.decode()
    assert "Not passed on" in listing and f"/admin/courier/orderremark/{remark.pk}/" in listing
    confirm = f"/admin/courier/orderremark/{remark.pk}/do/confirm/"
    assert client.post(confirm, {"confirmed_via": "chat", "note": ""}).status_code == 302
    remark.refresh_from_db()
    assert (remark.confirmed_by, remark.desk_instruction.desk) == (presales, "printing")
    listing = client.get("/admin/courier/orderremark/?passed_on=no").content.decode()
    assert f"/admin/courier/orderremark/{remark.pk}/" not in listing
    page = client.get(f"/admin/courier/orderremark/{remark.pk}/change/").content.decode()
    assert confirm not in page


def test_refund_task_steps_are_after_sales(client, ops):
    """SHP-07: the refund task's "Refund handled" step is offered to after-sales, not to
    pre-sales (who may only read it)."""
    aftersales = _staff("aftersales", "as1")
    shipment_cancel(intake(user=ops).shipment, user=ops)
    task = RefundTask.objects.get()
    url = f"/admin/courier/refundtask/{task.pk}/do/done/"
    client.force_login(_staff("presales", "pre1"))
    assert client.get(f"/admin/courier/refundtask/{task.pk}/change/").status_code == 200
    assert client.post(url, {"text": "已退款"}).status_code == 403
    client.force_login(aftersales)
    assert url in client.get(f"/admin/courier/refundtask/{task.pk}/change/").content.decode()
    assert client.post(url, {"text": "已退款"}).status_code == 302
    task.refresh_from_db()
    assert (task.state, task.done_by) == ("done", aftersales)


def test_stock_is_confirmed_by_the_warehouse_only(client, ops):
    """SHP-08, SHP-13: the warehouse answers on stock from the order page; pre-sales cannot."""
    order = intake(user=ops).order
    url = f"/admin/courier/order/{order.pk}/do/stock/"
    client.force_login(_staff("presales", "pre1"))
    assert client.post(url, {"in_stock": "True", "note": ""}).status_code == 403
    warehouse = _staff("warehouse", "wh1")
    client.force_login(warehouse)
    assert url in client.get(f"/admin/courier/order/{order.pk}/change/").content.decode()
    assert client.post(url, {"in_stock": "True", "note": "有货"}).status_code == 302
    assert StockConfirmation.objects.get().confirmed_by == warehouse
    assert not DeskInstruction.objects.exists()
