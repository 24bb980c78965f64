"""Celery tasks of the runners: thin wrappers around ``execution`` and the reaper.

``execute_run`` is acknowledged when received (a benchmark may run for hours; the broker must
not hand it to another runner meanwhile); if its runner dies, the reaper finds the run from the
missed heartbeats and queues the next attempt. It is safe to receive twice: the claim is one
conditional update.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from benchmarks_runner import execution, worker
from benchmarks_runner.services import recovery

log = logging.getLogger(__name__)


@shared_task(
    name="benchmarks_runner.execute_run",
    acks_late=False,
    ignore_result=True,
    # The run's own wall-clock limit is enforced by the runner's loop; this is a backstop.
    soft_time_limit=None,
    time_limit=settings.RUNNER_MAX_WALL_CLOCK_SECONDS + 3600,
)
def execute_run_task(run_id: int) -> None:
    runner = worker.current_runner()
    if runner is None:
        # Only runner processes consume hw.* and host.*; the reaper sends it again.
        log.error("run %s reached a worker that is not a runner; ignored", run_id)
        return
    execution.execute(run_id, runner)


@shared_task(
    name="benchmarks_runner.reap_runs", soft_time_limit=60, time_limit=90, ignore_result=True
)
def reap_runs_task() -> dict[str, int]:
    return recovery.runs_reap()
