"""SCR-01, SCR-04 (issue 13 point 17): score events, the 100-point start, the board, /scoring/me/,
the settlement, the daily job and the manager's matrix count the payday-to-payday period
("领取工资以后，所有人员分数重新以100分开始计算"), with payday a day of the month in the policy."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from staffing.models import (
    Position,
    ScoreAppeal,
    ScoreEvent,
    ScoreRule,
    ScoringPolicy,
    Settlement,
)
from staffing.models.scoring import SettlementState
from staffing.selectors import score_period_of, score_period_span, settlements_of_period
from staffing.services.scoring import score_event_cancel, score_event_record
from staffing.services.settlement import (
    settlement_approve,
    settlement_compute,
    settlement_get,
    settlement_submit,
    settlements_due_run,
)
from tests.factories import DepartmentFactory
from tests.staffing.scoring_factories import (
    EmployeeFactory,
    at,
    fast_passwords,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


@pytest.fixture
def dept():
    department = DepartmentFactory()
    ops = DepartmentFactory(code="operations", name="运营部")
    manager = EmployeeFactory(department=ops, position=Position.MANAGER, number="M1")
    boss = EmployeeFactory(department=department, position=Position.SUPERVISOR, number="S1")
    agent = EmployeeFactory(department=department, supervisor=boss, number="E1")
    return department, boss, agent, manager


def _g5(employee, moment):
    """G5 is −3 points."""
    return score_event_record(employee=employee, rule_code="G5", source=None, occurred_at=moment)


def test_payday_splits_the_periods_to_the_minute(dept):
    """SCR-01, SCR-04: payday 10 (the policy's default): an event at 23:59 on 9 April is still
    March's period, one at 00:00 on 10 April is April's, which starts again at 100."""
    department, _boss, agent, _m = dept
    assert ScoringPolicy.current().payday_day == 10
    with time_machine.travel(at(2026, 4, 10, 12), tick=False):
        before = _g5(agent, at(2026, 4, 9, 23, 59))
        after = _g5(agent, at(2026, 4, 10, 0, 0))
        first = _g5(agent, at(2026, 3, 10, 0, 0))
        last_feb = _g5(agent, at(2026, 3, 9, 23, 59))
        march = settlement_compute(settlement_get(department, MARCH))
        april = settlement_compute(settlement_get(department, APRIL))
    assert (before.month, after.month, first.month, last_feb.month) == (
        MARCH,
        APRIL,
        MARCH,
        date(2026, 2, 1),
    )
    assert march.lines.get(employee=agent).final_score == 94
    assert april.lines.get(employee=agent).final_score == 97


def test_a_period_spans_the_year_end(dept):
    """SCR-04: payday 10: December 2026's period runs 10 December 2026 – 9 January 2027, is paid
    and settled on 10 and 9 January 2027; 9 December is November's, 10 January January's."""
    department, _boss, agent, _m = dept
    with time_machine.travel(at(2027, 1, 10, 12), tick=False):
        events = [
            _g5(agent, at(2026, 12, 9, 18)),
            _g5(agent, at(2026, 12, 10, 9)),
            _g5(agent, at(2027, 1, 5, 9)),
            _g5(agent, at(2027, 1, 10, 9)),
        ]
    assert [e.month for e in events] == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert score_period_span(department.pk, date(2026, 12, 1)) == (
        date(2026, 12, 10),
        date(2027, 1, 9),
    )
    december = settlement_get(department, date(2026, 12, 1))
    assert december.payday == date(2027, 1, 10)


def test_payday_is_the_policy_s_editable_day(dept):
    """SCR-04: payday moved to the 15th in the scoring policy (an audited rule row): 12 April
    is March's period, 15 April starts April's; the history records the change and who."""
    department, _boss, agent, manager = dept
    policy = ScoringPolicy.current()
    policy.payday_day = 15
    policy._history_user = manager.user
    policy.save()
    assert policy.history.first().history_user == manager.user
    assert policy.history.first().payday_day == 15
    with time_machine.travel(at(2026, 4, 20, 12), tick=False):
        assert _g5(agent, at(2026, 4, 12)).month == MARCH
        assert _g5(agent, at(2026, 4, 15)).month == APRIL
    assert score_period_span(department.pk, MARCH) == (date(2026, 3, 15), date(2026, 4, 14))


def test_a_payday_moved_on_the_settlement_moves_the_period_boundary(dept):
    """SCR-04: March's payday moved to 8 April on its settlement: March closes on 7 April and
    is settled that day; an event on 8 April counts in April (not refused as frozen), one on 7
    April in March."""
    department, boss, agent, manager = dept
    settlement = settlement_get(department, MARCH)
    settlement.payday = date(2026, 4, 8)
    settlement.save(update_fields=["payday"])
    assert score_period_of(department.pk, date(2026, 4, 7)) == MARCH
    assert score_period_of(department.pk, date(2026, 4, 8)) == APRIL
    assert score_period_span(department.pk, APRIL) == (date(2026, 4, 8), date(2026, 5, 9))
    with time_machine.travel(at(2026, 4, 7, 9), tick=False):
        assert _g5(agent, at(2026, 4, 7, 8)).month == MARCH
        settlement = settlement_submit(settlement, user=boss.user)
        assert settlement_approve(settlement, user=manager.user).state == SettlementState.SETTLED
    with time_machine.travel(at(2026, 4, 8, 9), tick=False):
        assert _g5(agent, at(2026, 4, 8, 8)).month == APRIL


def test_a_reversal_and_an_appeal_stay_in_the_event_s_period(dept):
    """SCR-09, SCR-04: an event of 9 April (March's period) reversed, or appealed, on 11 April
    stays in March's period."""
    _department, _boss, agent, _m = dept
    with time_machine.travel(at(2026, 4, 11, 9), tick=False):
        event = _g5(agent, at(2026, 4, 9, 18))
        from staffing.services.scoring import appeal_file

        appeal = appeal_file(event=event, user=agent.user, reason="not me")
        reversal = score_event_cancel(event, reason="wrong person", user=None)
    assert (event.month, appeal.month, reversal.month) == (MARCH, MARCH, MARCH)


def test_daily_job_settles_the_period_the_next_payday_closes(dept):
    """SCR-04: on 9 April the job computes March's period (10 March – 9 April): the event of
    9 April counts, the one of 10 March too, the one of 9 March (February's) does not."""
    department, _boss, agent, _m = dept
    with time_machine.travel(at(2026, 4, 9, 9), tick=False):
        _g5(agent, at(2026, 3, 9, 12))
        _g5(agent, at(2026, 3, 10, 12))
        _g5(agent, at(2026, 4, 9, 8))
        assert settlements_due_run(date(2026, 4, 8)) == {"customer-service": "not due"}
        assert settlements_due_run(date(2026, 4, 9)) == {"customer-service": "computed"}
    march = Settlement.objects.get(department=department, month=MARCH)
    line = march.lines.get(employee=agent)
    assert (march.state, line.event_count, line.final_score) == ("settling", 2, 94)


def test_my_score_and_the_board_show_today_s_period(client, dept):
    """SCR-01, SCR-04: without ?month, /scoring/me/ and the board show the period today falls
    in, with its dates: on 9 April March's (10 March – 9 April), on 10 April April's at 100."""
    department, boss, agent, _m = dept
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with time_machine.travel(at(2026, 4, 9, 20), tick=False):
        _g5(agent, at(2026, 4, 9, 8))
        client.force_login(agent.user)
        mine = client.get(reverse("scoring:mine"))
        client.force_login(boss.user)
        board = client.get(reverse("scoring:board"))
    assert (mine.status_code, board.status_code) == (200, 200)
    assert (mine.context["month"], board.context["month"]) == (MARCH, MARCH)
    assert mine.context["line"].final_score == 97
    assert [e.month for e in mine.context["events"]] == [MARCH]
    text = "Score period from payday 2026-03-10 to 2026-04-09, the day before the next payday."
    assert text in mine.content.decode() and text in board.content.decode()
    with time_machine.travel(at(2026, 4, 10, 9), tick=False):
        client.force_login(agent.user)
        mine = client.get(reverse("scoring:mine"))
        client.force_login(boss.user)
        board = client.get(reverse("scoring:board"))
    assert (mine.context["month"], mine.context["line"].final_score) == (APRIL, 100)
    scores = {line.employee.number: line.final_score for line in board.context["lines"]}
    assert board.context["month"] == APRIL and scores == {"S1": 100, "E1": 100}
    assert "2026-04-10 to 2026-05-09" in mine.content.decode()


def test_manager_matrix_reads_the_settlement_of_today_s_period(dept):
    """SCR-04, RPT-02: the branch matrix's settlement is that of the period the last day falls
    in: on 9 April March's, on 10 April April's (2 queries)."""
    department, *_ = dept
    march = settlement_get(department, MARCH)
    april = settlement_get(department, APRIL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        found = settlements_of_period(date(2026, 4, 9), [department.pk])
    assert found == {department.pk: march} and len(ctx.captured_queries) == 2
    assert settlements_of_period(date(2026, 4, 10)) == {department.pk: april}


def test_migration_rekeys_calendar_month_events_but_not_settled_ones(dept):
    """SCR-04: the data migration moves events stored by calendar month (with their reversals
    and appeals) to their payday period; a settled month's events keep their key."""
    from importlib import import_module

    from django.apps import apps

    department, _boss, agent, _m = dept
    other = DepartmentFactory(code="hr", name="人事部")
    frozen_agent = EmployeeFactory(department=other, number="H1")
    Settlement.objects.create(department=other, month=MARCH, state=SettlementState.SETTLED)
    rule = ScoreRule.objects.get(code="G5")

    def raw(employee, moment, month, points=-3, **kwargs):
        return ScoreEvent.objects.create(
            employee=employee, rule=rule, points=points, occurred_at=moment, month=month, **kwargs
        )

    early = raw(agent, at(2026, 3, 5), MARCH)
    back = raw(agent, at(2026, 3, 6), MARCH, kind="reversal", reverses=early, points=3)
    late = raw(agent, at(2026, 3, 20), MARCH)
    april_early = raw(agent, at(2026, 4, 9, 23, 30), APRIL)
    kept = raw(frozen_agent, at(2026, 3, 5), MARCH)
    appeal = ScoreAppeal.objects.create(event=early, employee=agent, month=MARCH, reason="x")
    import_module("staffing.migrations.0013_score_events_by_payday_period").rekey(apps, None)
    months = dict(
        ScoreEvent.objects.filter(
            pk__in=[early.pk, back.pk, late.pk, april_early.pk, kept.pk]
        ).values_list("pk", "month")
    )
    assert months == {
        early.pk: date(2026, 2, 1),
        back.pk: date(2026, 2, 1),
        late.pk: MARCH,
        april_early.pk: MARCH,
        kept.pk: MARCH,
    }
    assert ScoreAppeal.objects.get(pk=appeal.pk).month == date(2026, 2, 1)
