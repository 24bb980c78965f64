"""The reaper: what becomes of runs when runners die, or when no runner comes.

Runs run for hours and their messages are acknowledged when received, so the broker cannot
redeliver them; the database is the truth, and this pass (every 15 s on the control queue)
reads it: a claimed or running run whose runner stopped sending heartbeats, or was replaced
by a new process of the same name, is LOST (and queued again while attempts remain); a queued
run nobody took before its expiry is EXPIRED; a queued run whose message may have been
dropped (a runner that died between receiving and claiming, a paused runner) is sent again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from benchmarks_runner.models import (
    ACTIVE_STATUSES,
    FailureKind,
    HostMode,
    Run,
    RunAttempt,
    RunStatus,
    WorkerHost,
)
from benchmarks_runner.services.attempts import requeue_if_attempts_left
from benchmarks_runner.services.hosts import offline_before
from benchmarks_runner.services.lifecycle import dispatch, transition


def runs_reap(*, now: Any = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "lost": _reap_lost(now),
        "expired": _expire(now),
        "redispatched": _redispatch(now),
    }


def _stale_q(now: Any) -> Q:
    dead_host = (
        Q(host__heartbeat_at__lt=offline_before(now))
        | Q(host__heartbeat_at__isnull=True)
        | Q(host__stopped_at__isnull=False)
    )
    replaced = ~Q(host__session=F("host_session")) | Q(host__session__isnull=True)
    return dead_host | replaced


def _reap_lost(now: Any) -> int:
    count = 0
    candidates = Run.objects.filter(_stale_q(now), status__in=ACTIVE_STATUSES)
    for run_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            # Lock the run row only: the host is on the nullable side of the join.
            run = (
                Run.objects.select_for_update(of=("self",))
                .filter(_stale_q(now), pk=run_id, status__in=ACTIVE_STATUSES)
                .select_related("host")
                .first()
            )
            if run is None:
                continue  # it finished or moved meanwhile
            count += _lose(run, now)
    return count


def _lose(run: Run, now: Any) -> int:
    cancelled = run.cancel_requested_at is not None
    status = RunStatus.CANCELLED if cancelled else RunStatus.LOST
    kind = FailureKind.CANCELLED if cancelled else FailureKind.LOST
    error = f"The runner {run.host.name if run.host else '?'} stopped sending heartbeats."
    if not transition(
        run,
        status,
        reason=error,
        audit={"failure_kind": kind, "host": run.host.name if run.host else None},
        failure_kind=kind,
        error=error,
        finished_at=now,
    ):
        return 0
    RunAttempt.objects.filter(run=run, number=run.attempt).update(
        status=status, failure_kind=kind, error=error, finished_at=now
    )
    if status == RunStatus.LOST:
        requeue_if_attempts_left(run)
    return 1


def _expire(now: Any) -> int:
    count = 0
    for run in Run.objects.filter(status=RunStatus.QUEUED, expires_at__lte=now):
        with transaction.atomic():
            count += transition(
                run,
                RunStatus.EXPIRED,
                reason="no runner took it before it expired",
                finished_at=now,
            )
    return count


def serving_hosts_q(now: Any) -> Q:
    """Runners that would take a run now: online and active."""
    return Q(
        mode=HostMode.ACTIVE,
        session__isnull=False,
        stopped_at__isnull=True,
        heartbeat_at__gte=offline_before(now),
    )


def _redispatch(now: Any) -> int:
    due = now - timedelta(seconds=settings.RUNNER_REDISPATCH_SECONDS)
    waiting = Run.objects.filter(status=RunStatus.QUEUED, dispatched_at__lte=due)
    hosts = list(WorkerHost.objects.filter(serving_hosts_q(now)))
    classes = {host.hardware_class for host in hosts}
    names = {host.pk for host in hosts}
    count = 0
    for run in waiting.select_related("target_host"):
        served = (
            run.target_host_id in names if run.target_host_id else run.hardware_class in classes
        )
        if not served:
            continue  # sending it again would only pile up messages nobody reads
        if Run.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(dispatched_at=now):
            dispatch(run.pk, run.queue)
            count += 1
    return count


def runs_dispatch_waiting(*, host_name: str) -> int:
    """Send again the queued runs a runner serves (when it starts or resumes): their earlier
    messages may have been dropped while no runner of theirs took work."""
    now = timezone.now()
    host = WorkerHost.objects.filter(name=host_name).first()
    if host is None:
        return 0
    waiting = Run.objects.filter(
        Q(target_host=host) | Q(target_host__isnull=True, hardware_class=host.hardware_class),
        status=RunStatus.QUEUED,
    ).select_related("target_host")
    count = 0
    for run in waiting:
        if Run.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(dispatched_at=now):
            dispatch(run.pk, run.queue)
            count += 1
    return count
