"""Clocking in and out from the web (issue 17.4): a late clock-in says how late, a repeated
click records nothing."""

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from staffing.models import Punch, StaffingPolicy
from staffing.services.attendance import attendance_day_compute, punch_clock
from tests.staffing.factories import at, entry, team

pytestmark = pytest.mark.django_db
DAY = "2026-03-10"  # cs-early: 09:00-11:30 and 12:30-18:30


@pytest.fixture
def agent():
    _, (a,) = team(1)
    return a


def _click(client, direction, when):
    with time_machine.travel(when, tick=False):
        response = client.post(reverse("staffing:punch"), {"direction": direction})
    assert response.status_code == 302
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    client.cookies.pop("messages", None)  # shown once, as the next page would
    return said


def test_late_clock_in_says_how_late_in_minutes(client, agent, settings):
    """ATT-01: clocking in at 09:07:40 for the 09:00 session says 7 minutes late, the minutes
    the day's computation counts; on time says only that it was recorded."""
    settings.LANGUAGE_CODE = "en"
    entry(agent, DAY)
    client.force_login(agent.user)
    client.cookies["django_language"] = "en"
    assert _click(client, "in", at(DAY, "09:07").replace(second=40)) == [
        (
            "warning",
            "Clock in recorded at 09:07: 7 minutes late for the session starting at 09:00; "
            "the day is counted as late.",
        )
    ]
    assert _click(client, "out", at(DAY, "11:31")) == [("success", "Clock out recorded at 11:31.")]
    assert _click(client, "in", at(DAY, "12:29")) == [("success", "Clock in recorded at 12:29.")]
    assert _click(client, "in", at(DAY, "12:29"))[0][0] == "info"
    _click(client, "out", at(DAY, "18:30"))
    day = attendance_day_compute(agent.pk, at(DAY).date())
    assert (day.status, day.late_minutes) == ("late", 7)


def test_one_minute_late_is_singular_and_grace_is_respected(agent):
    """ATT-01: 1 minute late is reported as 1; within the policy's grace it is on time, past
    it the minutes count from the session's start."""
    entry(agent, DAY)
    assert punch_clock(agent, direction="in", at=at(DAY, "09:01")).late_minutes == 1
    _, (b,) = team(1)
    entry(b, DAY)
    StaffingPolicy.objects.update(late_grace_minutes=5)
    assert punch_clock(b, direction="in", at=at(DAY, "09:05")).late_minutes == 0
    _, (c,) = team(1)
    entry(c, DAY)
    clocking = punch_clock(c, direction="in", at=at(DAY, "09:06"))
    assert (clocking.late_minutes, clocking.session_start) == (6, at(DAY, "09:00"))


def test_second_click_records_no_second_punch(client, agent):
    """ATT-01: a second clock-in for the same session records nothing and says the first one
    stands; the next session's clock-in and the day's clock-outs are new punches."""
    entry(agent, DAY)
    client.force_login(agent.user)
    client.cookies["django_language"] = "en"
    _click(client, "in", at(DAY, "08:58"))
    assert _click(client, "in", at(DAY, "08:59")) == [
        ("info", "Clock in was already recorded at 08:58; nothing new was recorded.")
    ]
    assert Punch.objects.count() == 1
    _click(client, "out", at(DAY, "11:30"))
    _click(client, "out", at(DAY, "11:30"))
    _click(client, "in", at(DAY, "12:25"))  # the afternoon session: a new punch
    assert list(Punch.objects.order_by("at").values_list("direction", "at")) == [
        ("in", at(DAY, "08:58")),
        ("out", at(DAY, "11:30")),
        ("in", at(DAY, "12:25")),
    ]


def test_unrostered_repeat_is_per_day(agent):
    """ATT-01: without a roster, a repeated direction on the same day is the same punch; the
    next day's clock-in is new."""
    first = punch_clock(agent, direction="in", at=at(DAY, "10:00"))
    again = punch_clock(agent, direction="in", at=at(DAY, "10:01"))
    assert (again.repeated, again.punch, again.late_minutes) == (True, first.punch, 0)
    assert not punch_clock(agent, direction="in", at=at("2026-03-11", "10:00")).repeated
    assert Punch.objects.count() == 2
