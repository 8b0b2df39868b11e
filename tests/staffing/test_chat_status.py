from decimal import Decimal

import pytest

from staffing.models import ChatStatusBreach
from staffing.services.chat import chat_breach_record, chat_offline_approve
from staffing.services.errors import StaffingError
from tests.staffing.factories import SupervisorFactory, at, entry, team

pytestmark = pytest.mark.django_db
DAY = "2026-03-10"


def test_offline_on_duty_without_approval_costs_50_yuan():
    """ATT-03: offline or invisible on duty without approval: 50 yuan (G3) each time; with the
    supervisor's approval for that time, no breach can be recorded."""
    from staffing.models import ScoreEvent

    supervisor, (a,) = team(1)
    entry(a, DAY, "cs-early")
    chat_offline_approve(
        employee=a,
        starts_at=at(DAY, "14:00"),
        ends_at=at(DAY, "14:30"),
        reason="system training",
        user=supervisor.user,
    )
    with pytest.raises(StaffingError):
        chat_breach_record(
            employee=a, kind="offline", observed_at=at(DAY, "14:10"), user=supervisor.user
        )
    breach = chat_breach_record(
        employee=a, kind="offline", observed_at=at(DAY, "14:30"), user=supervisor.user
    )
    event = ScoreEvent.objects.get()
    assert (event.rule.code, event.cash, event.source) == ("G3", Decimal("-50.00"), breach)


def test_online_while_away_costs_2_points_and_only_on_duty():
    """ATT-03: shown online while away from the post: −2 points (G3b); outside the duty
    sessions (the lunch break) or by another supervisor nothing is recorded."""
    from staffing.models import ScoreEvent

    supervisor, (a,) = team(1)
    entry(a, DAY, "cs-early")
    with pytest.raises(StaffingError):
        chat_breach_record(
            employee=a, kind="away_online", observed_at=at(DAY, "12:00"), user=supervisor.user
        )
    with pytest.raises(StaffingError):
        chat_breach_record(
            employee=a,
            kind="away_online",
            observed_at=at(DAY, "10:00"),
            user=SupervisorFactory().user,
        )
    chat_breach_record(
        employee=a, kind="away_online", observed_at=at(DAY, "10:00"), user=supervisor.user
    )
    event = ScoreEvent.objects.get()
    assert (event.rule.code, event.points) == ("G3b", -2)
    assert ChatStatusBreach.objects.count() == 1
