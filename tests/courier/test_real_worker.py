import pytest

from courier.core.models import Heartbeat

pytestmark = pytest.mark.realworker


def test_task_sent_through_the_broker_runs_in_a_real_worker(real_worker):
    """PLT-17: a task sent through the configured broker is executed by a `celery worker`."""
    ran = real_worker.drain()
    assert ran, f"worker did not run the task; its output:\n{real_worker.stop()}"
    assert Heartbeat.objects.get(pk=real_worker.queue).ticks == 1
