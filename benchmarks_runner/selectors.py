"""Reads for the runner pages and the API: runners with their state, runs, histories, scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from benchmarks_runner import catalogue
from benchmarks_runner.models import (
    ACTIVE_STATUSES,
    HardwareProfile,
    HostMode,
    Run,
    RunArtifact,
    RunStatus,
    WorkerHost,
)
from benchmarks_runner.services.hosts import offline_before
from core.errors import NotFound, PermissionDenied
from submissions.checker import LogResult
from submissions.checker.scoring import benchmark_score
from submissions.models import Score
from submissions.policy import can_view_version
from wg.permissions import can_view_runs

ONLINE, OFFLINE = "online", "offline"


@dataclass(frozen=True)
class HostRow:
    host: WorkerHost
    state: str
    """online, offline (missed heartbeats or stopped), paused or draining."""
    heartbeat_age_s: int | None
    current_run: Run | None


def require_viewer(user: Any) -> None:
    if not can_view_runs(user):
        raise PermissionDenied("Runs and runners are for working-group members.")


def host_state(host: WorkerHost, now: datetime) -> str:
    alive = (
        host.session is not None
        and host.stopped_at is None
        and host.heartbeat_at is not None
        and host.heartbeat_at >= offline_before(now)
    )
    if not alive:
        return OFFLINE
    return ONLINE if host.mode == HostMode.ACTIVE else str(host.mode)


def host_rows(now: datetime | None = None) -> list[HostRow]:
    now = now or timezone.now()
    hosts = list(WorkerHost.objects.select_related("profile"))
    current = {
        run.host_id: run
        for run in Run.objects.filter(status__in=ACTIVE_STATUSES, host__isnull=False)
    }
    return [
        HostRow(
            host=host,
            state=host_state(host, now),
            heartbeat_age_s=round((now - host.heartbeat_at).total_seconds())
            if host.heartbeat_at
            else None,
            current_run=current.get(host.pk),
        )
        for host in hosts
    ]


def host_get(name: str) -> WorkerHost:
    host = WorkerHost.objects.select_related("profile").filter(name=name).first()
    if host is None:
        raise NotFound(f"No runner named '{name}'.")
    return host


_RUN_RELATED = (
    "host",
    "profile",
    "requested_by",
    "target_host",
    "reproduces__version__submission__round",
    "reproduces__version__submission__organization",
)


def run_list(*, benchmark: str = "", status: str = "", limit: int = 100) -> QuerySet[Run]:
    runs = Run.objects.select_related(*_RUN_RELATED).prefetch_related("attempts__host")
    if benchmark:
        runs = runs.filter(benchmark=benchmark)
    if status:
        runs = runs.filter(status=status)
    return runs[:limit]


def run_get(pk: int) -> Run:
    run = (
        Run.objects.select_related(*_RUN_RELATED)
        .prefetch_related("attempts__host")
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise NotFound("No such run.")
    return run


def queue_warning(run: Run, now: datetime | None = None, rows: list[HostRow] | None = None) -> str:
    """Said early on a queued run's page: no runner can take it now (it may expire).
    ``rows`` (from ``host_rows``) saves the queries when many runs are shown."""
    if run.status != RunStatus.QUEUED:
        return ""
    now = now or timezone.now()
    if run.target_host_id:
        state = host_state(run.target_host, now)
        if state == ONLINE:
            return ""
        return f"The runner {run.target_host.name} is {state}; the run waits for it."
    known = rows if rows is not None else host_rows(now)
    rows = [r for r in known if r.host.hardware_class == run.hardware_class]
    if any(r.state == ONLINE for r in rows):
        return ""
    if any(r.state != OFFLINE for r in rows):
        return f"Every online runner of class {run.hardware_class} is paused or draining."
    return f"No online runner of class {run.hardware_class}."


def run_log(run: Run) -> tuple[bytes, bool]:
    """The log of the run's latest attempt (complete, True) or what is known so far (False)."""
    artifact = (
        RunArtifact.objects.filter(run=run, kind=RunArtifact.LOG).order_by("-attempt").first()
    )
    if artifact is not None:
        return bytes(artifact.content), True
    return run.log_tail.encode(), False


@dataclass(frozen=True)
class Reproduction:
    round: str
    organization: str
    system: str
    benchmark: str
    submitted_minutes: float | None
    submitted_runs: list[float]
    reproduced_minutes: float | None

    @property
    def ratio(self) -> float | None:
        if not self.submitted_minutes or self.reproduced_minutes is None:
            return None
        return self.reproduced_minutes / self.submitted_minutes


def reproduction(run: Run, user: Any, now: datetime | None = None) -> Reproduction | None:
    """The submitted result the run reproduces, for who may see that submission."""
    score = run.reproduces
    if score is None:
        return None
    submission = score.version.submission
    if not can_view_version(user, score.version, now=now or timezone.now()):
        return None
    return Reproduction(
        round=submission.round.name,
        organization=submission.organization.name,
        system=score.system,
        benchmark=score.benchmark,
        submitted_minutes=score.score_minutes,
        submitted_runs=[float(m) for m in score.run_minutes if m is not None],
        reproduced_minutes=run.time_to_train_minutes,
    )


@dataclass(frozen=True)
class ScoreLine:
    """A benchmark's runs on one piece of hardware, and their score as for a submission."""

    profile: HardwareProfile
    runs: list[Run]
    counted: list[Run]
    runs_required: int
    score_minutes: float | None


def _scored(runs: list[Run], benchmark: str, required: int) -> tuple[list[Run], float | None]:
    finished = [r for r in runs if r.validation is not None][:required]
    if len(finished) < required:
        return finished, None
    logs = [LogResult.from_dict(r.validation) for r in finished]
    return finished, benchmark_score(logs, benchmark, 1.0)


def benchmark_history(slug: str) -> list[ScoreLine]:
    """Per hardware fingerprint, newest first: the runs and the olympic mean of the latest
    ``runs_required`` runs that produced a log (the same code as a submission's score: the
    summarizer drops the fastest and the slowest, and at most one run that failed its check)."""
    spec = catalogue.runnable_get(slug)
    required = spec.runs_required if spec else 5
    runs = list(
        Run.objects.filter(benchmark=slug, profile__isnull=False)
        .filter(Q(status=RunStatus.SUCCEEDED) | Q(validation__isnull=False))
        .exclude(status__in=ACTIVE_STATUSES)
        .select_related("profile", "host")
        .order_by("-finished_at", "-id")
    )
    by_profile: dict[int, list[Run]] = {}
    for run in runs:
        by_profile.setdefault(run.profile_id, []).append(run)
    lines = []
    for profile_runs in by_profile.values():
        counted, score = _scored(profile_runs, slug, required)
        lines.append(
            ScoreLine(
                profile=profile_runs[0].profile,
                runs=profile_runs,
                counted=counted,
                runs_required=required,
                score_minutes=score,
            )
        )
    return lines


def reproducible_scores(user: Any, benchmarks: set[str]) -> list[Score]:
    """Submitted results of these benchmarks that ``user`` may see (the embargo holds here
    too: a chair sees another organisation's package only once uploads are closed)."""
    now = timezone.now()
    scores = (
        Score.objects.filter(benchmark__in=benchmarks, score_minutes__isnull=False)
        .select_related("version__submission__round__window", "version__submission__organization")
        .order_by("-version__submission__round__name", "benchmark", "system")
    )
    return [s for s in scores if can_view_version(user, s.version, now=now)]
