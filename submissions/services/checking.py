"""Checking one results/<system>/<benchmark> folder: claim it, check it with a heartbeat, store
the result, and queue the verdict once the last folder of a version is done."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import InvalidTransition
from core.work import Execution, heartbeat
from submissions import checker, paths, storage
from submissions.models import BenchmarkCheck, LogCheckCache, SubmissionVersion
from submissions.models.validation import CheckStatus
from submissions.services.queueing import enqueue_checks, enqueue_finalize

# A folder whose check dies this many times (a log that crashes the checker or exhausts the
# worker's memory) fails the version instead of being retried forever.
MAX_CHECK_ATTEMPTS = 3


def _move_check(
    check_id: int, current: str, to: str, *, claim: str | None = None, **fields: object
) -> bool:
    """Move a check from ``current`` to ``to`` through its lifecycle table, if nobody moved it
    first (a conditional update: two workers never both claim or finish one check). With
    ``claim``, only while that claim still holds it."""
    if to not in BenchmarkCheck.TRANSITIONS[current]:
        raise InvalidTransition(f"benchmark check {check_id}: cannot go from {current} to {to}")
    rows = BenchmarkCheck.objects.filter(pk=check_id, status=current)
    if claim is not None:
        rows = rows.filter(claimed_by=claim)
    return bool(rows.update(status=to, **fields))


def benchmark_check_run(*, check_id: int, execution: Execution) -> None:
    """Check one results/<system>/<benchmark> folder, reusing cached results of unchanged logs."""
    if not _claim_check(check_id, execution):
        return
    claimed = BenchmarkCheck.objects.filter(pk=check_id, claimed_by=execution.token)
    with heartbeat(claimed, every=settings.WORK_HEARTBEAT_SECONDS):
        _check_folder(check_id, execution)


def _claim_check(check_id: int, execution: Execution) -> bool:
    """Like ``_claim_unpacking``: a pending folder, or this task's own interrupted one."""
    now = timezone.now()
    if _move_check(
        check_id,
        CheckStatus.PENDING,
        CheckStatus.RUNNING,
        claimed_at=now,
        heartbeat_at=now,
        claimed_by=execution.token,
        attempts=F("attempts") + 1,
    ):
        return True
    check = BenchmarkCheck.objects.filter(pk=check_id, status=CheckStatus.RUNNING).first()
    if check is None or not execution.owns(check.claimed_by):
        return False
    if execution.is_redelivery(check.claimed_by) and check.attempts >= MAX_CHECK_ATTEMPTS:
        benchmark_check_mark_failed(
            check_id=check_id,
            error=f"the check stopped {check.attempts} times (the worker died or ran out of time)",
            claimed_by=check.claimed_by,
        )
        return False
    return bool(
        BenchmarkCheck.objects.filter(
            pk=check_id, status=CheckStatus.RUNNING, claimed_by=check.claimed_by
        ).update(
            claimed_by=execution.token,
            heartbeat_at=now,
            attempts=F("attempts") + int(execution.is_redelivery(check.claimed_by)),
        )
    )


def _check_folder(check_id: int, execution: Execution) -> None:
    check = BenchmarkCheck.objects.select_related("report__version").get(pk=check_id)
    report, version = check.report, check.report.version
    org_dir = storage.tree_path(version.pk) / version.org_folder
    folder = paths.result_folder(check.system, check.benchmark, org_folder=version.org_folder) + "/"
    shas = list(version.files.filter(path__startswith=folder).values_list("sha256", flat=True))
    cache = {
        row.sha256: checker.LogResult.from_dict(row.result)
        for row in LogCheckCache.objects.filter(
            ruleset=report.ruleset, engine=checker.ENGINE, sha256__in=shas
        )
    }
    result = checker.check_benchmark(
        org_dir, system=check.system, benchmark=check.benchmark, ruleset=report.ruleset, cache=cache
    )
    with transaction.atomic():
        LogCheckCache.objects.bulk_create(
            [
                LogCheckCache(
                    ruleset=report.ruleset,
                    engine=checker.ENGINE,
                    sha256=entry.sha256,
                    result=entry.to_dict(),
                )
                for entry in result.logs
                if entry.sha256 not in cache
            ],
            ignore_conflicts=True,
        )
        _move_check(
            check.pk,
            CheckStatus.RUNNING,
            CheckStatus.DONE,
            claim=execution.token,
            ok=result.ok,
            result=result.to_dict(),
            finished_at=timezone.now(),
        )
        transaction.on_commit(lambda: _finalize_if_complete(report.pk, version.pk))


def benchmark_check_mark_failed(
    *, check_id: int, error: str, claimed_by: str | None = None
) -> None:
    """A check that raised, timed out or went quiet: queue it again, or give up after a few
    attempts. With ``claimed_by``, only if that claim still holds it."""
    with transaction.atomic():
        check = BenchmarkCheck.objects.select_for_update().select_related("report").get(pk=check_id)
        if check.status != CheckStatus.RUNNING:
            return
        if claimed_by is not None and check.claimed_by != claimed_by:
            return
        if check.attempts < MAX_CHECK_ATTEMPTS:
            _move_check(
                check_id,
                CheckStatus.RUNNING,
                CheckStatus.PENDING,
                claimed_by="",
                heartbeat_at=timezone.now(),
            )
            transaction.on_commit(lambda: enqueue_checks([check_id]))
            return
        _move_check(
            check_id,
            CheckStatus.RUNNING,
            CheckStatus.FAILED,
            error=error[:2000],
            finished_at=timezone.now(),
        )
        report_id, version_id = check.report_id, check.report.version_id
        transaction.on_commit(lambda: _finalize_if_complete(report_id, version_id))


def checks_requeue(*, check_ids: list[int]) -> None:
    """Queue checks again that a batch could not reach (it ran out of time)."""
    if check_ids:
        enqueue_checks(check_ids)


def _finalize_if_complete(report_id: int, version_id: int) -> None:
    # Two checks finishing together may both see "complete"; finalize is idempotent.
    busy = BenchmarkCheck.objects.filter(
        report_id=report_id, status__in=[CheckStatus.PENDING, CheckStatus.RUNNING]
    )
    if not busy.exists():
        SubmissionVersion.objects.filter(pk=version_id).update(heartbeat_at=timezone.now())
        enqueue_finalize(version_id)
