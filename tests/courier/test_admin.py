import pytest

from staffing.models import Department
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_change_records_the_acting_user(client):
    """ORG-03: a change made in the admin is recorded in history with the person who made it."""
    department = Department.objects.get(code="hr")
    ops = UserFactory(username="ops-lead", is_superuser=True)
    client.force_login(ops)
    response = client.post(
        f"/admin/staffing/department/{department.pk}/change/",
        {"code": "hr", "name": "人力资源部", "name_en": "Human resources", "is_active": "on"},
    )
    assert response.status_code == 302, response.content[:3000]
    latest = Department.history.filter(id=department.pk).latest("history_date")
    assert latest.history_user == ops
    assert latest.history_type == "~"
    assert latest.name == "人力资源部"


def test_admin_is_chinese_by_default_and_switches_to_english(client):
    """PLT-10: the admin ships in Simplified Chinese by default with a language switch."""
    client.force_login(UserFactory(username="boss", is_superuser=True))
    page = client.get("/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="zh-hans"' in html
    assert 'id="language-switch"' in html
    assert "快递客服运营" in html

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert switched.status_code == 302
    html = client.get("/admin/").content.decode()
    assert 'lang="en"' in html
    assert "Courier customer-service operations" in html


def test_staff_without_permission_cannot_open_partner_admin(client):
    """ORG-03: staff reach only what their role needs."""
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/admin/courier/partner/").status_code == 403
