"""ATT-02, STF-08, STF-10, ORG-04: the people rules of issue 13 (points 15, 16, 20) as a person
meets them."""

import datetime as dt

import pytest
import time_machine

from staffing.models import CorrectionState, PunchCorrection
from staffing.services.attendance import (
    punch_correction_approve,
    punch_correction_file,
    punch_correction_reject,
)
from staffing.services.errors import RulesRefused
from tests.staffing.factories import at, team

pytestmark = pytest.mark.django_db


def _file(a, hhmm, day, direction="in"):
    return punch_correction_file(employee=a, direction=direction, at=at(day, hhmm), reason="forgot")


def test_rejected_applications_count_towards_the_monthly_cap():
    """ATT-02: "签卡申请每月不得超过3次" counts applications, not approvals: after two rejected
    applications and one approved, a 4th application that month is refused with the rule's
    message, and none is created."""
    supervisor, (a,) = team(1)
    with time_machine.travel(at("2026-03-20", "19:00"), tick=False):
        first = _file(a, "12:30", "2026-03-19")
        second = _file(a, "09:00", "2026-03-20")
        punch_correction_reject(first.pk, user=supervisor.user, reason="no reason given")
        punch_correction_reject(second.pk, user=supervisor.user, reason="no reason given")
        third = _file(a, "12:30", "2026-03-20")
        assert punch_correction_approve(third.pk, user=supervisor.user).state == "approved"
        with pytest.raises(RulesRefused) as refused:
            _file(a, "18:30", "2026-03-20", direction="out")
    failed = [r for r in refused.value.results if not r.passed]
    assert [(r.code, r.message_en, r.message_zh) for r in failed] == [
        (
            "monthly_limit",
            "At most 3 punch correction applications may be filed per month.",
            "签卡申请每月不得超过 3 次。",
        )
    ]
    states = sorted(PunchCorrection.objects.filter(employee=a).values_list("state", flat=True))
    assert states == [CorrectionState.APPROVED, CorrectionState.REJECTED, CorrectionState.REJECTED]


def test_application_number_is_shown_when_filed():
    """ATT-02: the 2nd application of the month reads "Correction application 2 of at most 3"."""
    _supervisor, (a,) = team(1)
    with time_machine.travel(at("2026-03-20", "19:00"), tick=False):
        _file(a, "12:30", "2026-03-19")
        second = _file(a, "09:00", "2026-03-20")
    by_code = {r["code"]: r for r in second.rule_results}
    assert by_code["monthly_limit"]["message_en"] == (
        "Correction application 2 of at most 3 this month."
    )
    assert dt.date(2026, 3, 20) == second.date
