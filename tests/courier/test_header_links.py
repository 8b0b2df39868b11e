"""The admin header a newcomer meets first (issue 17.4): "view site" leads somewhere, the
language switch names each language in its own name, and a person's choice is kept."""

import re

import pytest
from django.test import Client

from staffing.models import Employee
from tests.courier.factories import role_user
from tests.staffing.factories import team

pytestmark = pytest.mark.django_db
VIEW_SITE = re.compile(r'<a href="([^"]+)">(?:View site|查看站点)</a>')
OPTION = re.compile(r'<option value="([\w-]+)" lang="[\w-]+"(?: selected)?>([^<]+)</option>')


@pytest.mark.parametrize("role", ["agent", "supervisor", "printing", "finance", None])
def test_view_site_leads_to_a_page_that_answers(client, role):
    """PLT-11: the header's "view site" link of the admin goes to the staff home, which
    answers 200 for every staff login (a superuser for ``None``)."""
    user = role_user(role) if role else role_user("agent", is_superuser=True)
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    target = VIEW_SITE.search(html).group(1)
    assert target == "/"
    assert client.get(target).status_code == 200


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_language_switch_names_each_language_in_its_own_name(client, language):
    """PLT-10: whatever the page's language, the switch offers 简体中文 and English, not
    their names translated (英文)."""
    client.force_login(role_user("agent"))
    client.cookies["django_language"] = language
    html = client.get("/admin/").content.decode()
    assert OPTION.findall(html) == [("zh-hans", "简体中文"), ("en", "English")]
    assert "英文" not in html


def _log_in(client, user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.username, "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302
    return response


def test_language_choice_is_kept_on_the_profile_across_sessions():
    """PLT-11: switching to English keeps "en" on the person's profile; logging in again
    in a new browser (no cookie) sets the language cookie and the pages come in English."""
    _, (agent,) = team(1)
    first = Client()
    _log_in(first, agent.user)
    assert 'lang="zh-hans"' in first.get("/admin/").content.decode()
    response = first.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert response.status_code == 302
    assert Employee.objects.get(pk=agent.pk).language == "en"
    assert not agent.history.filter(history_change_reason="language").exists()

    fresh = Client()
    response = _log_in(fresh, agent.user)
    assert response.cookies["django_language"].value == "en"
    html = fresh.get("/admin/").content.decode()
    assert '<html lang="en"' in html

    fresh.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})
    assert Employee.objects.get(pk=agent.pk).language == "zh-hans"
    again = Client()
    assert _log_in(again, agent.user).cookies["django_language"].value == "zh-hans"


def test_login_without_a_chosen_language_sets_no_cookie(client):
    """PLT-11: a person who never chose keeps the browser's language (no cookie set at
    login); a superuser without a profile can still switch (cookie only)."""
    _, (agent,) = team(1)
    assert "django_language" not in _log_in(Client(), agent.user).cookies
    boss = role_user("agent", is_superuser=True)
    boss_client = Client()
    _log_in(boss_client, boss)
    response = boss_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert response.cookies["django_language"].value == "en"
