import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from staffing.models import (
    Department,
    Holiday,
    RosterEntry,
    RosterPattern,
    RosterPatternMember,
    RosterPatternStep,
)
from staffing.tasks.staff import holidays_seed_next_year, requests_expire
from tests.factories import UserFactory
from tests.staffing.factories import at, shift, team

pytestmark = pytest.mark.django_db

PAGES = [
    "staffingpolicy",
    "holiday",
    "shifttype",
    "rosterpattern",
    "rosterentry",
    "swaprequest",
    "leavetype",
    "leaverequest",
    "punch",
    "attendanceday",
    "punchcorrection",
    "handovernote",
    "chatofflineapproval",
    "chatstatusbreach",
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True))
    return client


def test_admin_pages_open(admin_client):
    """STF-01, STF-06: shift types, holidays and every rule number are editable in the admin;
    requests and attendance are visible there."""
    for model in PAGES:
        url = reverse(f"admin:staffing_{model}_changelist")
        assert admin_client.get(url).status_code == 200, model
    policy_url = reverse("admin:staffing_staffingpolicy_change", args=[1])
    assert admin_client.get(policy_url).status_code == 200
    cs_late = reverse("admin:staffing_shifttype_change", args=[shift("cs-late").pk])
    assert "23:30" in admin_client.get(cs_late).content.decode()


def test_supervisor_generates_and_publishes_in_the_admin(admin_client):
    """STF-02: from the pattern page the roster of a period is generated and published."""
    _, (a, b) = team(2)
    pattern = RosterPattern.objects.create(
        name="CS",
        department=Department.objects.get(code="customer-service"),
        start_date=dt.date(2026, 3, 1),
    )
    RosterPatternStep.objects.create(pattern=pattern, order=0, shift_type=shift("cs-early"))
    RosterPatternStep.objects.create(pattern=pattern, order=1, shift_type=shift("cs-late"))
    RosterPatternMember.objects.create(pattern=pattern, employee=a, start_step=0)
    RosterPatternMember.objects.create(pattern=pattern, employee=b, start_step=1)
    url = reverse("admin:staffing_rosterpattern_generate", args=[pattern.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"start": "2026-03-01", "end": "2026-03-10", "publish": "on"})
    assert response.status_code == 302
    assert RosterEntry.objects.filter(status=RosterEntry.Status.PUBLISHED).count() == 20
    bad = admin_client.post(url, {"start": "2026-02-01", "end": "2026-02-03"})
    assert bad.status_code == 200
    assert RosterEntry.objects.count() == 20


def test_periodic_tasks_are_idempotent():
    """STF-06, STF-09: the holiday and expiry jobs can run any number of times."""
    with time_machine.travel(at("2026-03-02", "10:00"), tick=False):
        Holiday.objects.filter(date__year=2027).delete()
        assert holidays_seed_next_year.delay().get() == 13
        assert holidays_seed_next_year.delay().get() == 0
        assert requests_expire.delay().get() == {"swaps": 0, "leaves": 0}
