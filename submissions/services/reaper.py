"""The reaper: queue again what a lost message or a dead worker left behind.

Beat runs it every ``REAPER_INTERVAL_SECONDS``. Work counts as stalled when its last sign of life
(``heartbeat_at``: when it was queued, or the heartbeat of the task working on it) is older than
``REAPER_STALL_SECONDS``. Each step re-checks that condition in the same conditional update that
records the new sign of life, so two reapers running at once, or a reaper racing the work
finishing, queue nothing twice and undo nothing that moved on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from submissions.models import BenchmarkCheck, SubmissionVersion
from submissions.models.intake import VersionStatus
from submissions.models.validation import CheckStatus
from submissions.services.checking import benchmark_check_mark_failed
from submissions.services.processing import version_requeue_unpacking
from submissions.services.queueing import enqueue_checks, enqueue_finalize, enqueue_processing

_BUSY = [CheckStatus.PENDING, CheckStatus.RUNNING]


def stalled_work_requeue(*, now: datetime | None = None) -> dict[str, int]:
    """Re-queue stalled work; returns how many of each kind were queued again."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.REAPER_STALL_SECONDS)
    return {
        "received": _requeue_received(cutoff, now),
        "unpacking": sum(
            version_requeue_unpacking(version_id=pk, stalled_before=cutoff)
            for pk in _quiet(SubmissionVersion, cutoff)
            .filter(status=VersionStatus.UNPACKING)
            .values_list("pk", flat=True)
        ),
        "checks": _requeue_checks(cutoff, now),
        "finalize": _requeue_finalize(cutoff, now),
    }


def _quiet(model: type, cutoff: datetime) -> QuerySet:
    """Rows whose last sign of life is older than ``cutoff`` (rows from before heartbeats
    existed count from their last change)."""
    since = "status_changed_at" if model is SubmissionVersion else "claimed_at"
    return model.objects.annotate(last_seen=Coalesce("heartbeat_at", since)).filter(
        Q(last_seen__lt=cutoff) | Q(last_seen__isnull=True)
    )


def _touch(model: type, pk: int, cutoff: datetime, now: datetime, **match: object) -> bool:
    """Record a new sign of life if the row is still quiet and unchanged; False if it moved."""
    return bool(_quiet(model, cutoff).filter(pk=pk, **match).update(heartbeat_at=now))


def _requeue_received(cutoff: datetime, now: datetime) -> int:
    """Versions whose processing message was lost (or not sent: the broker was down)."""
    count = 0
    received = _quiet(SubmissionVersion, cutoff).filter(status=VersionStatus.RECEIVED)
    for pk in received.values_list("pk", flat=True):
        if _touch(SubmissionVersion, pk, cutoff, now, status=VersionStatus.RECEIVED):
            enqueue_processing(pk)
            count += 1
    return count


def _requeue_checks(cutoff: datetime, now: datetime) -> int:
    count = 0
    running = _quiet(BenchmarkCheck, cutoff).filter(status=CheckStatus.RUNNING)
    for pk, claimed_by in running.values_list("pk", "claimed_by"):
        # Back to pending and queued (or failed, once it has died too often).
        benchmark_check_mark_failed(
            check_id=pk,
            error="the check stopped (its worker died or ran out of time)",
            claimed_by=claimed_by,
        )
        count += 1
    pending = _quiet(BenchmarkCheck, cutoff).filter(
        status=CheckStatus.PENDING, report__version__status=VersionStatus.VALIDATING
    )
    lost = [
        pk
        for pk in pending.values_list("pk", flat=True)
        if _touch(BenchmarkCheck, pk, cutoff, now, status=CheckStatus.PENDING)
    ]
    if lost:
        enqueue_checks(lost)
    return count + len(lost)


def _requeue_finalize(cutoff: datetime, now: datetime) -> int:
    """Versions whose folders are all checked but whose verdict was never stored."""
    count = 0
    waiting = (
        _quiet(SubmissionVersion, cutoff)
        .filter(status=VersionStatus.VALIDATING)
        .exclude(report__benchmark_checks__status__in=_BUSY)
    )
    for pk in waiting.values_list("pk", flat=True):
        if _touch(SubmissionVersion, pk, cutoff, now, status=VersionStatus.VALIDATING):
            enqueue_finalize(pk)
            count += 1
    return count
