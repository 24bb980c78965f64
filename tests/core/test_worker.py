"""A real worker process on the configured broker runs a task and writes to the test database."""

import pytest

from core.models import WorkerHeartbeat
from core.tasks import heartbeat_task
from tests.workers import celery_worker, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_consumes_the_control_queue_and_records_its_heartbeat():
    with celery_worker(["control"]):
        heartbeat_task.apply_async(args=["control"], queue="control")
        row = wait_for(
            lambda: WorkerHeartbeat.objects.filter(queue="control").first(),
            message="the heartbeat row",
        )
    assert row.hostname.startswith("test-")
