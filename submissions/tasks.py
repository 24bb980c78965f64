"""Celery tasks of the validation pipeline: thin wrappers that call one service each.

Every task is safe to run twice (the services claim work with conditional updates) and has
time limits. An infrastructure error (the database or the broker unreachable, a connection
reset) is retried with backoff and never recorded as the work's failure; any other final failure
is recorded through a ``*_mark_failed`` service so nothing stays stuck in a running state.
Messages are acknowledged once the task is done and handed back if its worker process dies.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init

from core.retry import INFRASTRUCTURE_ERRORS
from core.work import Execution
from submissions import checker, notifications
from submissions.services import checking, processing, reaper, review

_PIPELINE = {
    "bind": True,
    "soft_time_limit": 10 * 60,
    "time_limit": 11 * 60,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": INFRASTRUCTURE_ERRORS,
    "max_retries": None,  # the database owns the state; waiting for it loses nothing
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
}


def _execution(task: Task) -> Execution:
    return Execution(task_id=task.request.id or "eager", retries=task.request.retries or 0)


@shared_task(name="submissions.process_version", **_PIPELINE)
def process_version_task(self: Task, version_id: int) -> None:
    try:
        processing.version_process(version_id=version_id, execution=_execution(self))
    except INFRASTRUCTURE_ERRORS:
        raise  # retried (autoretry_for)
    except SoftTimeLimitExceeded:
        processing.version_mark_failed(version_id=version_id, error="unpacking took too long")
    except Exception as exc:
        processing.version_mark_failed(version_id=version_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="submissions.check_benchmarks", **_PIPELINE)
def check_benchmarks_task(self: Task, check_ids: list[int]) -> None:
    """Check a batch of benchmark folders; a folder that fails does not stop the others."""
    execution = _execution(self)
    failed = None
    for index, check_id in enumerate(check_ids):
        try:
            checking.benchmark_check_run(check_id=check_id, execution=execution)
        except INFRASTRUCTURE_ERRORS:
            raise  # the whole batch is retried; folders already done are skipped
        except SoftTimeLimitExceeded:
            checking.benchmark_check_mark_failed(
                check_id=check_id, error="the check took too long", claimed_by=execution.token
            )
            checking.checks_requeue(check_ids=check_ids[index + 1 :])
            return
        except Exception as exc:
            checking.benchmark_check_mark_failed(
                check_id=check_id,
                error=f"{type(exc).__name__}: {exc}",
                claimed_by=execution.token,
            )
            failed = exc
    if failed is not None:
        raise failed


@shared_task(name="submissions.finalize_report", **_PIPELINE)
def finalize_report_task(self: Task, version_id: int) -> None:
    try:
        processing.report_finalize(version_id=version_id)
    except INFRASTRUCTURE_ERRORS:
        raise
    except Exception as exc:
        processing.version_mark_failed(version_id=version_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(
    name="submissions.requeue_stalled", soft_time_limit=60, time_limit=90, ignore_result=True
)
def requeue_stalled_task() -> dict[str, int]:
    # Not retried: beat sends the next run within REAPER_INTERVAL_SECONDS anyway.
    return reaper.stalled_work_requeue()


# The outbox's name space puts this on the control queue (``submissions.*`` goes to validate).
@shared_task(
    name="notifications.submission_reminders",
    soft_time_limit=120,
    time_limit=180,
    ignore_result=True,
)
def send_submission_reminders_task() -> int:
    # Not retried: beat sends the next run in a few minutes, and each reminder is sent once.
    return notifications.windows_opened() + notifications.deadline_reminders()


@shared_task(
    name="submissions.close_unsigned_objections",
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
)
def close_unsigned_objections_task() -> int:
    return review.objections_close_due()


@worker_init.connect
def _preload_checker(**_: Any) -> None:
    # Import the checkers once in the worker's main process, so its pool processes are forked
    # with them loaded instead of each paying for the import on its first task.
    checker.preload()
