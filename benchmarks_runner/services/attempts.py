"""A runner executing a run: claim, start, progress, finish. Called by the runner process only.

Every call names the runner's session and the attempt number, and changes nothing unless the
run is still that session's attempt: a runner that was declared lost and comes back, or a
duplicated message, cannot start a second execution or store a second result.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from benchmarks_runner.models import (
    ACTIVE_STATUSES,
    FailureKind,
    HostMode,
    Run,
    RunArtifact,
    RunAttempt,
    RunStatus,
    WorkerHost,
)
from benchmarks_runner.services.lifecycle import dispatch, transition


@dataclass(frozen=True)
class Control:
    current: bool
    """False once the run is no longer this runner's attempt: stop the process, keep nothing."""
    cancel: bool


@dataclass
class AttemptResult:
    status: str
    failure_kind: str = ""
    error: str = ""
    exit_code: int | None = None
    log: bytes | None = None
    log_name: str = ""
    log_truncated: bool = False
    validation: dict[str, Any] | None = None
    compliant: bool | None = None
    time_to_train_minutes: float | None = None
    progress: dict[str, Any] | None = None
    log_tail: str | None = None


def run_claim(*, run_id: int, host_name: str, session: uuid.UUID, seed: int) -> Run | None:
    """Take a queued run for this runner with one conditional update; None if it is not
    (any more) queued, not for this runner, or the runner is paused or draining. ``seed`` is
    the runner's fresh draw, used unless the run asked for a seed."""
    now = timezone.now()
    with transaction.atomic():
        host = WorkerHost.objects.filter(name=host_name, session=session).first()
        if host is None or host.mode != HostMode.ACTIVE:
            return None
        mine = Q(target_host=host) | Q(target_host__isnull=True, hardware_class=host.hardware_class)
        run = Run.objects.filter(mine, pk=run_id, status=RunStatus.QUEUED).first()
        if run is None:
            return None
        if run.expires_at <= now:
            transition(run, RunStatus.EXPIRED, reason="no runner took it in time")
            return None
        if run.requested_seed is not None:
            seed = run.requested_seed
        claimed = transition(
            run,
            RunStatus.CLAIMED,
            audit={"host": host.name, "attempt": run.attempt, "seed": seed},
            host=host,
            host_session=session,
            profile_id=host.profile_id,
            seed=seed,
            claimed_at=now,
            started_at=None,
            finished_at=None,
            progress={},
            log_tail="",
            progress_at=None,
        )
        if not claimed:
            return None
        RunAttempt.objects.create(
            run=run,
            number=run.attempt,
            host=host,
            host_session=session,
            seed=seed,
            launcher="",
            status=RunStatus.CLAIMED,
            claimed_at=now,
        )
    return run


def _own(run_id: int, session: uuid.UUID, attempt: int) -> Run | None:
    run = Run.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status not in ACTIVE_STATUSES:
        return None
    if run.host_session != session or run.attempt != attempt:
        return None
    return run


def run_start(
    *,
    run_id: int,
    session: uuid.UUID,
    attempt: int,
    launcher: str,
    command: list[str],
    pid: int | None = None,
) -> bool:
    """The benchmark process started."""
    now = timezone.now()
    with transaction.atomic():
        run = _own(run_id, session, attempt)
        if run is None or run.status != RunStatus.CLAIMED:
            return False
        transition(run, RunStatus.RUNNING, audit={"launcher": launcher}, started_at=now)
        RunAttempt.objects.filter(run=run, number=attempt).update(
            status=RunStatus.RUNNING, launcher=launcher, command=command, pid=pid, started_at=now
        )
    return True


def run_progress(
    *, run_id: int, session: uuid.UUID, attempt: int, progress: dict[str, Any], log_tail: str
) -> Control:
    """Store live progress (not audited: it changes every second) and tell the runner whether
    to go on."""
    updated = Run.objects.filter(
        pk=run_id, status=RunStatus.RUNNING, host_session=session, attempt=attempt
    ).update(progress=progress, log_tail=log_tail, progress_at=timezone.now())
    cancel = Run.objects.filter(pk=run_id, cancel_requested_at__isnull=False).exists()
    return Control(current=bool(updated), cancel=cancel)


def run_finish(*, run_id: int, session: uuid.UUID, attempt: int, result: AttemptResult) -> bool:
    """Store the attempt's outcome, log and verdict; an infrastructure failure with attempts
    left queues the next attempt. False (and nothing stored) if the attempt is not ours."""
    now = timezone.now()
    with transaction.atomic():
        run = _own(run_id, session, attempt)
        if run is None:
            return False
        if result.log is not None:
            RunArtifact.objects.create(
                run=run,
                attempt=attempt,
                kind=RunArtifact.LOG,
                name=result.log_name or f"result_{run.pk}_{attempt}.txt",
                content=result.log,
                size_bytes=len(result.log),
                sha256=hashlib.sha256(result.log).hexdigest(),
                truncated=result.log_truncated,
            )
        final_progress = {}
        if result.progress is not None:
            final_progress = {"progress": result.progress, "log_tail": result.log_tail or ""}
        transition(
            run,
            result.status,
            reason=result.error[:500],
            audit={"failure_kind": result.failure_kind, "exit_code": result.exit_code},
            finished_at=now,
            failure_kind=result.failure_kind,
            error=result.error[:4000],
            compliant=result.compliant,
            validation=result.validation,
            time_to_train_minutes=result.time_to_train_minutes,
            **final_progress,
        )
        RunAttempt.objects.filter(run=run, number=attempt).update(
            status=result.status,
            failure_kind=result.failure_kind,
            error=result.error[:4000],
            exit_code=result.exit_code,
            finished_at=now,
        )
        if result.failure_kind == FailureKind.INFRASTRUCTURE:
            requeue_if_attempts_left(run)
    return True


def requeue_if_attempts_left(run: Run) -> bool:
    """FAILED or LOST → QUEUED as the next attempt, if any is left and nobody cancelled it.
    The caller holds the transaction."""
    if run.attempt >= run.max_attempts or run.cancel_requested_at is not None:
        return False
    moved = transition(
        run,
        RunStatus.QUEUED,
        reason=f"attempt {run.attempt + 1} of {run.max_attempts}",
        audit={"attempt": run.attempt + 1},
        attempt=run.attempt + 1,
        host=None,
        host_session=None,
        claimed_at=None,
        started_at=None,
        finished_at=None,
        dispatched_at=timezone.now(),
        failure_kind="",
        error="",
    )
    if moved:
        transaction.on_commit(lambda: dispatch(run.pk, run.queue))
    return moved
