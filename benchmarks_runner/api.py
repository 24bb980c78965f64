"""REST API of the runners and runs: the same selectors and services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from benchmarks_runner import catalogue, selectors
from benchmarks_runner.models import Run
from benchmarks_runner.services import hosts, runs
from wg.api_auth import auth_required

router = Router(tags=["runner"], auth=auth_required)


class QualityOut(Schema):
    metric: str = "eval_accuracy"
    target: float
    higher_is_better: bool
    unit: str


class RunnableOut(Schema):
    slug: str
    name: str
    task: str
    hardware_classes: list[str]
    launcher: str
    ruleset: str
    quality: QualityOut
    max_epochs: int | None
    runs_required: int
    wall_clock_limit_s: int
    reproduces: str


class WorkerOut(Schema):
    name: str
    hardware_class: str
    state: str
    mode: str
    fingerprint: str | None
    hardware: str | None
    machine: str
    heartbeat_at: datetime | None
    heartbeat_age_s: int | None
    current_run: int | None
    software: dict[str, str]


class RunIn(Schema):
    benchmark: str
    hardware_class: str = ""
    host: str = ""
    wall_clock_limit_s: int | None = None
    max_attempts: int = 2
    seed: int | None = None
    """Every attempt uses it; by default each attempt draws a fresh one (and records it)."""


class AttemptOut(Schema):
    number: int
    host: str
    seed: int
    launcher: str
    status: str
    failure_kind: str
    error: str
    exit_code: int | None
    started_at: datetime | None
    finished_at: datetime | None


class ProgressOut(Schema):
    phase: str | None = None
    epoch: int | None = None
    max_epochs: int | None = None
    samples: int | None = None
    accuracy: float | None = None
    target: float | None = None
    fraction: float | None = None
    elapsed_s: float | None = None
    curve: list[list[float]] = []


class ValidationOut(Schema):
    ruleset: str
    compliant: bool | None
    findings: list[dict[str, Any]]


class ReproductionOut(Schema):
    round: str
    system: str
    benchmark: str
    submitted_minutes: float | None
    reproduced_minutes: float | None
    ratio: float | None


class RunOut(Schema):
    id: int
    benchmark: str
    hardware_class: str
    host: str | None
    target_host: str | None
    status: str
    failure_kind: str
    error: str
    queue_warning: str
    attempt: int
    max_attempts: int
    attempts: list[AttemptOut]
    seed: int | None
    wall_clock_limit_s: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime
    cancel_requested: bool
    progress: ProgressOut
    time_to_train_minutes: float | None
    fingerprint: str | None
    validation: ValidationOut | None
    reproduces: ReproductionOut | None


class ModeIn(Schema):
    mode: str


def _run_out(run: Run, request: HttpRequest, rows: list[selectors.HostRow] | None = None) -> RunOut:
    progress = run.progress or {}
    validation = None
    if run.validation is not None:
        validation = ValidationOut(
            ruleset=run.ruleset,
            compliant=run.compliant,
            findings=run.validation.get("findings", []),
        )
    reproduced = selectors.reproduction(run, request.user)
    return RunOut(
        id=run.pk,
        benchmark=run.benchmark,
        hardware_class=run.hardware_class,
        host=run.host.name if run.host else None,
        target_host=run.target_host.name if run.target_host else None,
        status=run.status,
        failure_kind=run.failure_kind,
        error=run.error,
        queue_warning=selectors.queue_warning(run, rows=rows),
        attempt=run.attempt,
        max_attempts=run.max_attempts,
        attempts=[
            AttemptOut(
                number=a.number,
                host=a.host.name,
                seed=a.seed,
                launcher=a.launcher,
                status=a.status,
                failure_kind=a.failure_kind,
                error=a.error,
                exit_code=a.exit_code,
                started_at=a.started_at,
                finished_at=a.finished_at,
            )
            for a in run.attempts.all()
        ],
        seed=run.seed,
        wall_clock_limit_s=run.wall_clock_limit_s,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        expires_at=run.expires_at,
        cancel_requested=run.cancel_requested_at is not None,
        progress=ProgressOut(
            **{k: progress.get(k) for k in ProgressOut.model_fields if k in progress}
        ),
        time_to_train_minutes=run.time_to_train_minutes,
        fingerprint=run.profile.fingerprint if run.profile else None,
        validation=validation,
        reproduces=ReproductionOut(
            round=reproduced.round,
            system=reproduced.system,
            benchmark=reproduced.benchmark,
            submitted_minutes=reproduced.submitted_minutes,
            reproduced_minutes=reproduced.reproduced_minutes,
            ratio=reproduced.ratio,
        )
        if reproduced
        else None,
    )


@router.get("/runner/benchmarks", response=list[RunnableOut])
def runnable_list(request: HttpRequest) -> list[RunnableOut]:
    selectors.require_viewer(request.user)
    return [
        RunnableOut(**spec.model_dump(exclude={"command", "image", "mlc_tags"}))
        for spec in catalogue.runnable_benchmarks().values()
    ]


@router.get("/runner/workers", response=list[WorkerOut])
def worker_list(request: HttpRequest) -> list[WorkerOut]:
    selectors.require_viewer(request.user)
    return [
        WorkerOut(
            name=row.host.name,
            hardware_class=row.host.hardware_class,
            state=row.state,
            mode=row.host.mode,
            fingerprint=row.host.profile.fingerprint if row.host.profile else None,
            hardware=row.host.profile.summary if row.host.profile else None,
            machine=row.host.machine,
            heartbeat_at=row.host.heartbeat_at,
            heartbeat_age_s=row.heartbeat_age_s,
            current_run=row.current_run.pk if row.current_run else None,
            software=(row.host.facts or {}).get("software", {}),
        )
        for row in selectors.host_rows(timezone.now())
    ]


@router.post("/runner/workers/{name}/mode", response=WorkerOut)
def worker_mode(request: HttpRequest, name: str, body: ModeIn) -> WorkerOut:
    hosts.host_set_mode(actor=request.user, name=name, mode=body.mode)
    return next(w for w in worker_list(request) if w.name == name)


@router.post("/runs", response={201: RunOut})
def run_create(request: HttpRequest, body: RunIn) -> Status:
    queued = runs.run_enqueue(
        actor=request.user,
        benchmark=body.benchmark,
        hardware_class=body.hardware_class,
        host_name=body.host,
        wall_clock_limit_s=body.wall_clock_limit_s,
        max_attempts=body.max_attempts,
        seed=body.seed,
    )
    return Status(201, _run_out(selectors.run_get(queued[0].pk), request))


@router.get("/runs", response=list[RunOut])
def run_list(request: HttpRequest, benchmark: str = "", status: str = "") -> list[RunOut]:
    selectors.require_viewer(request.user)
    rows = selectors.host_rows()
    return [
        _run_out(run, request, rows)
        for run in selectors.run_list(benchmark=benchmark, status=status, limit=100)
    ]


@router.get("/runs/{run_id}", response=RunOut)
def run_detail(request: HttpRequest, run_id: int) -> RunOut:
    selectors.require_viewer(request.user)
    return _run_out(selectors.run_get(run_id), request)


@router.get("/runs/{run_id}/log", response={200: str})
def run_log(request: HttpRequest, run_id: int) -> HttpResponse:
    """The MLLOG text of the run's latest attempt (``X-Run-Log: partial`` while it runs)."""
    selectors.require_viewer(request.user)
    data, complete = selectors.run_log(selectors.run_get(run_id))
    response = HttpResponse(data, content_type="text/plain; charset=utf-8")
    response["X-Run-Log"] = "complete" if complete else "partial"
    return response


@router.post("/runs/{run_id}/cancel", response=RunOut)
def run_cancel(request: HttpRequest, run_id: int) -> RunOut:
    selectors.require_viewer(request.user)
    runs.run_cancel(actor=request.user, run_id=run_id)
    return _run_out(selectors.run_get(run_id), request)
