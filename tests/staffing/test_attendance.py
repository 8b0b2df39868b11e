import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from staffing.models import AttendanceDay, CorrectionState, Punch, PunchCorrection
from staffing.rules.attendance import attendance_evaluate
from staffing.services.attendance import (
    attendance_compute_date,
    attendance_finalize_due,
    punch_correction_approve,
    punch_correction_file,
)
from staffing.services.errors import RulesRefused, StaffingError
from staffing.tasks.staff import attendance_nightly
from tests.staffing.factories import SupervisorFactory, at, entry, team

pytestmark = pytest.mark.django_db
DAY = "2026-03-10"
FULL = [("08:55", "in"), ("11:31", "out"), ("12:29", "in"), ("18:31", "out")]


@pytest.fixture
def people():
    supervisor, (a,) = team(1)
    return supervisor, a


def _sessions():
    return [(at(DAY, "09:00"), at(DAY, "11:30")), (at(DAY, "12:30"), at(DAY, "18:30"))]


def _punches(*pairs):
    return [(at(DAY, t), d) for t, d in pairs]


def _punch(a, pairs, day=DAY):
    for t, d in pairs:
        Punch.objects.create(employee=a, at=at(day, t), direction=d)


def _file(a, hhmm="12:30", direction="in", day=DAY):
    return punch_correction_file(
        employee=a, direction=direction, at=at(day, hhmm), reason="forgot the card"
    )


def test_day_against_split_sessions():
    """ATT-01: each session of a split shift needs its clock-in and clock-out on time."""
    sessions = _sessions()
    assert attendance_evaluate(sessions, _punches(*FULL)).status == "present"
    late = attendance_evaluate(sessions, _punches(("09:01", "in"), *FULL[1:]))
    assert (late.status, late.late_minutes) == ("late", 1)
    early = attendance_evaluate(sessions, _punches(*FULL[:3], ("18:00", "out")))
    assert (early.status, early.early_minutes) == ("left_early", 30)
    both = attendance_evaluate(sessions, _punches(("09:10", "in"), *FULL[1:3], ("18:29", "out")))
    assert (both.status, both.late_minutes, both.early_minutes) == ("late_left_early", 10, 1)
    missing = attendance_evaluate(sessions, _punches(*FULL[:2], FULL[3]))
    assert (missing.status, missing.missing_punches) == ("missing_punch", 1)
    assert attendance_evaluate(sessions, []).status == "absent"
    assert attendance_evaluate(sessions, [], on_leave=True).status == "on_leave"
    graced = attendance_evaluate(sessions, _punches(("09:05", "in"), *FULL[1:]), grace_minutes=5)
    assert graced.status == "present"


def test_nightly_job_computes_yesterday_against_the_roster(people):
    """ATT-01: the nightly job records each rostered person's day: present, late, absent; a rest
    day has no attendance row."""
    supervisor, a = people
    b, c = team(2)[1]
    entry(a, DAY)
    entry(b, DAY)
    entry(c, DAY, "-")
    _punch(a, [("09:03", "in"), *FULL[1:]])
    with time_machine.travel(at("2026-03-11", "02:30"), tick=False):
        result = attendance_nightly.delay().get()
    assert result == {"computed": 2, "finalized": 0}
    days = {d.employee: d for d in AttendanceDay.objects.all()}
    assert (days[a].status, days[a].late_minutes) == ("late", 3)
    assert days[b].status == "absent"
    assert c not in days


def test_correction_deadline_two_days_vs_two_days_and_a_minute(people):
    """ATT-02: a forgotten punch explained exactly 2 days later is accepted; 1 minute later it is
    refused (it counts as leaving post), with the reason in both languages."""
    _, a = people
    with (
        time_machine.travel(at("2026-03-12", "12:31"), tick=False),
        pytest.raises(RulesRefused) as refused,
    ):
        _file(a)
    failed = [r for r in refused.value.results if not r.passed]
    assert [r.code for r in failed] == ["deadline"]
    assert failed[0].message_zh == "忘记打卡须于 2 日内向主管说明，逾期视为离岗、脱岗。"
    with time_machine.travel(at("2026-03-12", "12:30"), tick=False):
        correction = _file(a)
    assert correction.state == CorrectionState.PENDING
    assert correction.date == dt.date(2026, 3, 10)


def test_third_correction_approved_fourth_refused(people):
    """ATT-02: at most 3 correction applications a month ("签卡申请每月不得超过3次"): the 4th is
    refused when filed, even while the first three are still pending; the three are approved."""
    supervisor, a = people
    with time_machine.travel(at("2026-03-20", "19:00"), tick=False):
        filed = [
            _file(a, day="2026-03-19"),
            _file(a, hhmm="09:00", day="2026-03-20"),
            _file(a, day="2026-03-20"),
        ]
        with pytest.raises(RulesRefused) as refused:
            _file(a, hhmm="18:30", direction="out", day="2026-03-20")
        assert [r.code for r in refused.value.results if not r.passed] == ["monthly_limit"]
        for correction in filed:
            assert punch_correction_approve(correction.pk, user=supervisor.user).state == "approved"
    assert PunchCorrection.objects.filter(employee=a).count() == 3
    assert Punch.objects.filter(source=Punch.Source.CORRECTION).count() == 3


def test_correction_limit_restarts_each_month(people):
    """ATT-02: correction applications of February do not count in March."""
    supervisor, a = people
    with time_machine.travel(at("2026-02-27", "19:00"), tick=False):
        for day, hhmm in (
            ("2026-02-26", "12:30"),
            ("2026-02-27", "09:00"),
            ("2026-02-27", "12:30"),
        ):
            punch_correction_approve(_file(a, hhmm, day=day).pk, user=supervisor.user)
    with time_machine.travel(at("2026-03-01", "19:00"), tick=False):
        with pytest.raises(RulesRefused) as refused:
            _file(a, day="2026-02-28")  # a 4th in February
        assert [r.code for r in refused.value.results if not r.passed] == ["monthly_limit"]
        march = _file(a, hhmm="09:00", day="2026-03-01")
        assert punch_correction_approve(march.pk, user=supervisor.user).state == "approved"


def test_only_direct_supervisor_decides_corrections(people):
    """ATT-02: the forgotten punch is explained to the employee's own supervisor."""
    _, a = people
    with time_machine.travel(at("2026-03-10", "19:00"), tick=False):
        correction = _file(a)
        with pytest.raises(RulesRefused):
            punch_correction_approve(correction.pk, user=SupervisorFactory().user)
        with pytest.raises(StaffingError):
            _file(a, hhmm="20:00")  # in the future
    assert PunchCorrection.objects.get().state == CorrectionState.PENDING


def test_unexplained_missed_punch_costs_g1_once(people):
    """ATT-02: a missed punch not explained within 2 days counts as leaving post: G1, 30 yuan and
    the attendance bonus; re-running the job records nothing more."""
    from staffing.models import ScoreEvent

    _, a = people
    entry(a, DAY)
    _punch(a, [FULL[0], FULL[1], FULL[3]])
    attendance_compute_date(dt.date(2026, 3, 10))
    assert attendance_finalize_due(at("2026-03-12", "18:29")) == 0
    assert attendance_finalize_due(at("2026-03-12", "18:30")) == 1
    assert attendance_finalize_due(at("2026-03-13", "02:30")) == 0
    event = ScoreEvent.objects.get()
    assert (event.rule.code, event.cash, event.costs_attendance_bonus) == (
        "G1",
        Decimal("-30.00"),
        True,
    )
    assert event.source == AttendanceDay.objects.get()


def test_approved_correction_makes_the_day_present(people):
    """ATT-02: with the correction approved within the window, the day is present: no event."""
    from staffing.models import ScoreEvent

    supervisor, a = people
    entry(a, DAY)
    _punch(a, [FULL[0], FULL[1], FULL[3]])
    with time_machine.travel(at("2026-03-11", "10:00"), tick=False):
        attendance_compute_date(dt.date(2026, 3, 10))
        correction = _file(a, hhmm="12:29")
    assert attendance_finalize_due(at("2026-03-13", "02:30")) == 0  # pending: wait
    with time_machine.travel(at("2026-03-13", "09:00"), tick=False):
        punch_correction_approve(correction.pk, user=supervisor.user)
    assert AttendanceDay.objects.get().status == "present"
    assert attendance_finalize_due(at("2026-03-13", "10:00")) == 1
    assert ScoreEvent.objects.count() == 0


def test_absence_and_leaving_post_become_score_events(people):
    """LEV-05, LEV-01, STF-10: absence without approved leave costs a day's wage and the bonus
    (G4); leaving the post early without an approved swap costs 50 yuan and the bonus (G2)."""
    from staffing.models import ScoreEvent

    supervisor, a = people
    b = team(1)[1][0]
    entry(a, DAY)
    entry(b, DAY)
    _punch(b, [*FULL[:3], ("16:00", "out")])
    attendance_compute_date(dt.date(2026, 3, 10))
    assert attendance_finalize_due(at("2026-03-12", "18:30")) == 2
    events = {e.employee: e for e in ScoreEvent.objects.select_related("rule")}
    assert (events[a].rule.code, events[a].cash) == ("G4", Decimal("-200.00"))
    assert (events[b].rule.code, events[b].cash) == ("G2", Decimal("-50.00"))


def test_approved_leave_is_not_absence(people):
    """LEV-01: a day with approved leave counts as leave, not absence."""
    from staffing.models import LeaveRequest, LeaveType, RequestState, ScoreEvent

    supervisor, a = people
    shift = entry(a, DAY)
    leave = LeaveRequest.objects.create(
        requester=a,
        entry=shift,
        leave_type=LeaveType.objects.get(code="sick"),
        addressed_to=supervisor,
        state=RequestState.APPROVED,
        requested_at=at(DAY, "07:00"),
        expires_at=at(DAY, "09:00"),
    )
    shift.leave = leave
    shift.save()
    attendance_compute_date(dt.date(2026, 3, 10))
    assert AttendanceDay.objects.get().status == "on_leave"
    assert attendance_finalize_due(at("2026-03-12", "18:30")) == 1
    assert ScoreEvent.objects.count() == 0
