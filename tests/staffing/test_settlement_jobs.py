import threading
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from courier.celery import app as celery_app
from courier.periodic import PERIODIC_JOBS
from staffing.models import FundEntry, Position, ScoreEvent, Settlement
from staffing.models.scoring import FundKind, SettlementState
from staffing.services.scoring import ScoringError, score_event_record
from staffing.services.settlement import fund_balance, fund_spend
from tests.factories import DepartmentFactory
from tests.staffing.scoring_factories import (
    EmployeeFactory,
    UserFactory,
    at,
    fast_passwords,  # noqa: F401 (autouse fixture)
)

MARCH = date(2026, 3, 1)


def _reseed():
    from importlib import import_module

    from django.apps import apps

    import_module("staffing.migrations.0005_seed_scoring_rules").seed(apps, None)


@pytest.mark.django_db
def test_daily_settlement_job_is_registered_and_scheduled():
    """SCR-04: a daily periodic job runs the settlement task, which Celery discovers."""
    job = next(j for j in PERIODIC_JOBS if j.name == "scoring-settlements-due")
    assert job.task == "staffing.tasks_scoring.settlements_due"
    assert (job.crontab["hour"], job.crontab["minute"]) == ("6", "0")
    celery_app.loader.import_default_modules()
    assert "staffing.tasks_scoring.settlements_due" in celery_app.tasks


@pytest.mark.django_db
@time_machine.travel(at(2026, 4, 9, 6), tick=False)
def test_task_computes_last_month_of_scored_departments_only():
    """SCR-04: the task, run the day before payday, computes March for the scored department
    (customer service by default) and leaves other departments alone."""
    from staffing.tasks.scoring import settlements_due

    cs = DepartmentFactory()
    EmployeeFactory(department=cs)
    hr = DepartmentFactory(code="hr", name="人事部")
    EmployeeFactory(department=hr)
    assert settlements_due.delay().get() == {"customer-service": "computed"}
    assert Settlement.objects.get(department=cs, month=MARCH).state == SettlementState.SETTLING
    assert not Settlement.objects.filter(department=hr).exists()


@pytest.mark.django_db
def test_fund_spending_is_a_negative_entry_within_the_balance():
    """SCR-06: the activity fund holds the fines; spending is recorded as a negative entry and
    cannot exceed what the fund holds."""
    dept = DepartmentFactory()
    user = UserFactory()
    FundEntry.objects.create(department=dept, kind=FundKind.CASH_FINE, amount=Decimal("80"))
    with pytest.raises(ScoringError, match="only 80"):
        fund_spend(department=dept, amount=Decimal("81"), note="dinner", user=user)
    with pytest.raises(ScoringError, match="spent on"):
        fund_spend(department=dept, amount=Decimal("10"), note=" ", user=user)
    entry = fund_spend(department=dept, amount=Decimal("50"), note="team dinner", user=user)
    assert (entry.kind, entry.amount, entry.created_by) == (FundKind.SPENDING, Decimal("-50"), user)
    assert fund_balance(dept.pk) == Decimal("30")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_records_of_one_source_make_one_event():
    """SCR-09: two callers recording the same (rule, source) at once get the same event."""
    _reseed()  # an earlier transactional test may have flushed the seeded catalogue
    employee = EmployeeFactory(position=Position.AGENT)
    source = UserFactory()
    results, errors = [], []
    barrier = threading.Barrier(4)

    def record():
        try:
            barrier.wait()
            event = score_event_record(
                employee=employee, rule_code="G5", source=source, occurred_at=at(2026, 3, 5)
            )
            results.append(event.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert ScoreEvent.objects.filter(employee=employee).count() == 1


@pytest.mark.django_db
@time_machine.travel(at(2026, 4, 9, 6), tick=False)
def test_settlement_queries_do_not_grow_with_the_department():
    """SCR-04: computing, submitting and approving a month takes the same number of queries for
    3 or 12 employees with events (aggregated in the database, bulk-inserted)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staffing.services.settlement import (
        settlement_approve,
        settlement_compute,
        settlement_get,
        settlement_submit,
    )

    boss = UserFactory(username="boss", is_superuser=True)

    def settle(code, size):
        dept = DepartmentFactory(code=code, name=code)
        for n in range(size):
            person = EmployeeFactory(department=dept)
            with time_machine.travel(at(2026, 3, 25), tick=False):
                for rule in ("G5", "G1", "G11"):
                    score_event_record(
                        employee=person,
                        rule_code=rule,
                        source=None,
                        occurred_at=at(2026, 3, 10 + n),  # March's period starts on payday
                    )
        settlement = settlement_get(dept, MARCH)
        with CaptureQueriesContext(connection) as queries:
            settlement = settlement_compute(settlement, user=boss)
            settlement = settlement_submit(settlement, user=boss)
            settlement = settlement_approve(settlement, user=boss)
        assert settlement.lines.count() == size
        assert FundEntry.objects.filter(settlement=settlement).count() == size  # G1 fines
        return len(queries)

    small, large = settle("small", 3), settle("large", 12)
    assert small == large
    assert small <= 45
