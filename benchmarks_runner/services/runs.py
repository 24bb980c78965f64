"""Asking for runs and cancelling them (members and chairs, through pages and the API)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from benchmarks_runner import catalogue
from benchmarks_runner.models import ACTIVE_STATUSES, FailureKind, Run, RunStatus, WorkerHost
from benchmarks_runner.services.lifecycle import dispatch, transition
from core.audit import audit_record
from core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from submissions.models import Score
from submissions.policy import can_view_version
from wg.permissions import can_cancel_run, can_queue_runs, can_reproduce_results

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_ATTEMPTS = 5
MAX_RUNS_PER_REQUEST = 10


def run_enqueue(
    *,
    actor: Any,
    benchmark: str,
    hardware_class: str = "",
    host_name: str = "",
    wall_clock_limit_s: int | None = None,
    max_attempts: int = 2,
    count: int = 1,
    seed: int | None = None,
    reproduces_score_id: int | None = None,
) -> list[Run]:
    """Queue ``count`` runs of a runnable benchmark on a hardware class or a named host.

    Side effects: the runs and their audit events; one message per run on ``hw.<class>`` or
    ``host.<name>`` after commit. A class that no runner serves is accepted (the run waits, the
    page warns, and it expires if no runner comes).
    """
    if not can_queue_runs(actor):
        raise PermissionDenied("Only working-group members may queue benchmark runs.")
    spec = _runnable(benchmark)
    host = _target_host(host_name)
    hardware_class = host.hardware_class if host else (hardware_class or _default_class(spec))
    _check_class(spec, hardware_class)
    limit = _limit(spec, wall_clock_limit_s)
    if not 1 <= max_attempts <= MAX_ATTEMPTS:
        raise DomainError(f"Attempts must be between 1 and {MAX_ATTEMPTS}.")
    if not 1 <= count <= MAX_RUNS_PER_REQUEST:
        raise DomainError(f"Queue between 1 and {MAX_RUNS_PER_REQUEST} runs at a time.")
    if seed is not None and not 0 <= seed < 2**31:
        raise DomainError("A seed must be between 0 and 2147483647.")
    score, ruleset = _reproduction(actor, spec, reproduces_score_id)
    now = timezone.now()
    expires = now + timedelta(seconds=settings.RUNNER_QUEUE_EXPIRY_SECONDS)
    with transaction.atomic():
        runs = []
        for _ in range(count):
            run = Run.objects.create(
                benchmark=spec.slug,
                hardware_class=hardware_class,
                target_host=host,
                requested_by=actor if getattr(actor, "is_authenticated", False) else None,
                reproduces=score,
                ruleset=ruleset,
                wall_clock_limit_s=limit,
                max_attempts=max_attempts,
                requested_seed=seed,
                status=RunStatus.QUEUED,
                status_changed_at=now,
                expires_at=expires,
                dispatched_at=now,
            )
            audit_record(
                actor=actor,
                action="run.queued",
                obj=run,
                after={"benchmark": spec.slug, "queue": run.queue, "attempts": max_attempts},
            )
            transaction.on_commit(lambda r=run: dispatch(r.pk, r.queue))
            runs.append(run)
    return runs


def _runnable(slug: str) -> catalogue.RunnableBenchmark:
    spec = catalogue.runnable_get(slug)
    if spec is None:
        known = ", ".join(sorted(catalogue.runnable_benchmarks())) or "none"
        raise DomainError(f"'{slug}' is not a runnable benchmark (runnable: {known}).")
    return spec


def _target_host(name: str) -> WorkerHost | None:
    if not name:
        return None
    host = WorkerHost.objects.filter(name=name).first()
    if host is None:
        raise NotFound(f"No runner named '{name}' has ever registered.")
    return host


def _default_class(spec: catalogue.RunnableBenchmark) -> str:
    return spec.hardware_classes[0] if spec.hardware_classes else "cpu"


def _check_class(spec: catalogue.RunnableBenchmark, hardware_class: str) -> None:
    if not SLUG.match(hardware_class):
        raise DomainError(
            f"'{hardware_class}' is not a hardware class name (lower-case letters, digits, "
            "'-' and '_')."
        )
    if spec.hardware_classes and hardware_class not in spec.hardware_classes:
        raise DomainError(
            f"{spec.slug} runs on {', '.join(spec.hardware_classes)}, not on '{hardware_class}'."
        )


def _limit(spec: catalogue.RunnableBenchmark, requested: int | None) -> int:
    limit = requested if requested is not None else spec.wall_clock_limit_s
    if not 1 <= limit <= settings.RUNNER_MAX_WALL_CLOCK_SECONDS:
        raise DomainError(
            "The wall-clock limit must be between 1 and "
            f"{settings.RUNNER_MAX_WALL_CLOCK_SECONDS} seconds."
        )
    return limit


def _reproduction(
    actor: Any, spec: catalogue.RunnableBenchmark, score_id: int | None
) -> tuple[Score | None, str]:
    if score_id is None:
        if spec.ruleset == catalogue.ROUND_RULESET:
            raise DomainError(f"{spec.slug} only runs to reproduce a submitted result.")
        return None, spec.ruleset
    if not can_reproduce_results(actor):
        raise PermissionDenied("Only the chairs reproduce submitted results.")
    score = Score.objects.select_related("version__submission__round").filter(pk=score_id).first()
    # The embargo holds for reproductions too: who cannot see the submission cannot pick it.
    if score is None or not can_view_version(actor, score.version, now=timezone.now()):
        raise NotFound("No such submitted result.")
    if spec.reproduces != score.benchmark:
        raise DomainError(f"{spec.slug} does not reproduce {score.benchmark} results.")
    round_ruleset = score.version.submission.round.ruleset
    return score, round_ruleset if spec.ruleset == catalogue.ROUND_RULESET else spec.ruleset


def run_reproduce(*, actor: Any, score_id: int, hardware_class: str = "") -> Run:
    """Queue the reference of a submitted result's benchmark to compare times to train."""
    score = Score.objects.filter(pk=score_id).first()
    if score is None or not can_reproduce_results(actor):
        raise NotFound("No such submitted result.")
    spec = catalogue.reference_for(score.benchmark)
    if spec is None:
        raise DomainError(f"No runnable reference reproduces {score.benchmark} results.")
    return run_enqueue(
        actor=actor,
        benchmark=spec.slug,
        hardware_class=hardware_class,
        reproduces_score_id=score.pk,
    )[0]


def run_cancel(*, actor: Any, run_id: int, reason: str = "") -> Run:
    """Cancel a run: a queued one at once; a claimed or running one is stopped by its runner
    (SIGTERM to the benchmark's process group, SIGKILL after the grace period)."""
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            raise NotFound("No such run.")
        if not can_cancel_run(actor, run):
            raise PermissionDenied("Only who queued a run, or a chair, may cancel it.")
        if run.status == RunStatus.QUEUED:
            transition(
                run,
                RunStatus.CANCELLED,
                actor=actor,
                reason=reason,
                audit={"failure_kind": FailureKind.CANCELLED},
                failure_kind=FailureKind.CANCELLED,
                finished_at=timezone.now(),
            )
            return run
        if run.status not in ACTIVE_STATUSES:
            raise InvalidTransition(f"The run is already {run.get_status_display().lower()}.")
        if run.cancel_requested_at is None:
            run.cancel_requested_at = timezone.now()
            run.save(update_fields=["cancel_requested_at"])
            audit_record(actor=actor, action="run.cancel_requested", obj=run, reason=reason)
    return run
