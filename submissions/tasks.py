"""Celery tasks of the validation pipeline: thin wrappers that call one service each.

Every task is safe to run twice (the services claim work with conditional updates) and has
time limits; a final failure is recorded through a ``*_mark_failed`` service so nothing stays
stuck in a running state.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from submissions.services import processing, review

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


@shared_task(
    name="submissions.close_unsigned_objections",
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
)
def close_unsigned_objections_task() -> int:
    return review.objections_close_due()
