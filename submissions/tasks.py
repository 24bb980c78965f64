"""Celery tasks of the validation pipeline: thin wrappers that call one service each.

Every task is safe to run twice (the services claim work with conditional updates) and has
time limits; a final failure is recorded through a ``*_mark_failed`` service so nothing stays
stuck in a running state.
"""

from __future__ import annotations

from celery import current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded

from submissions import notifications
from submissions.services import processing

_LIMITS = {
    "soft_time_limit": 10 * 60,
    "time_limit": 11 * 60,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
}


@shared_task(name="submissions.process_version", **_LIMITS)
def process_version_task(version_id: int) -> None:
    try:
        processing.version_process(version_id=version_id)
    except SoftTimeLimitExceeded:
        processing.version_mark_failed(version_id=version_id, error="unpacking took too long")
    except Exception as exc:
        processing.version_mark_failed(version_id=version_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="submissions.check_benchmarks", **_LIMITS)
def check_benchmarks_task(check_ids: list[int]) -> None:
    """Check a batch of benchmark folders; a folder that fails does not stop the others."""
    failed = None
    for index, check_id in enumerate(check_ids):
        try:
            processing.benchmark_check_run(check_id=check_id)
        except SoftTimeLimitExceeded:
            processing.benchmark_check_mark_failed(
                check_id=check_id, error="the check took too long"
            )
            processing.checks_requeue(check_ids=check_ids[index + 1 :])
            return
        except Exception as exc:
            processing.benchmark_check_mark_failed(
                check_id=check_id, error=f"{type(exc).__name__}: {exc}"
            )
            failed = exc
    if failed is not None:
        raise failed


@shared_task(name="submissions.finalize_report", **_LIMITS)
def finalize_report_task(version_id: int) -> None:
    try:
        processing.report_finalize(version_id=version_id)
    except Exception as exc:
        processing.version_mark_failed(version_id=version_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(
    name="submissions.requeue_stalled", soft_time_limit=60, time_limit=90, ignore_result=True
)
def requeue_stalled_task() -> dict[str, int]:
    return processing.stalled_work_requeue()


# The outbox's name space puts this on the control queue (``submissions.*`` goes to validate).
@shared_task(
    name="notifications.submission_reminders",
    soft_time_limit=120,
    time_limit=180,
    ignore_result=True,
)
def send_submission_reminders_task() -> int:
    return notifications.windows_opened() + notifications.deadline_reminders()


current_app.add_periodic_task(
    300.0,  # fine enough for the one-hour reminder; each reminder has its own once-only key
    current_app.signature("notifications.submission_reminders"),
    name="submissions-deadline-reminders",
    queue="control",
    expires=290,
)
