"""The runner's side of a run: claim, launch, watch, stop, classify, validate, report.

Runs in the runner process (the Celery task of ``hw.<class>`` / ``host.<name>``); the
benchmark itself is a separate process group started by a launcher. The loop reads the
benchmark's output as it comes, stores progress about once a second (and at every
evaluation), and on each store learns whether the run was cancelled or taken away from this
runner. Cancel and the wall-clock limit both send SIGTERM to the group, then SIGKILL after
the grace period.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from benchmarks_runner import catalogue
from benchmarks_runner.launchers import LAUNCHERS, Handle, LaunchContext, LaunchError
from benchmarks_runner.models import FailureKind, Run, RunStatus
from benchmarks_runner.progress import ProgressTracker
from benchmarks_runner.services import attempts
from benchmarks_runner.services.attempts import AttemptResult
from submissions.checker import check_log
from submissions.checker.scoring import time_to_train_minutes

log = logging.getLogger(__name__)

FLUSH_EVERY_S = 1.0
"""How often the loop reports (and learns of a cancel) even when nothing changed."""
FLUSH_CHANGES_S = 0.5
"""How soon an evaluation or a phase change is stored: pages poll every second, and a
report is a database write on the machine that trains."""
READ_WAIT_S = 0.2


@dataclass(frozen=True)
class RunnerIdentity:
    name: str
    session: uuid.UUID
    hardware_class: str
    platform: str


@dataclass
class Watched:
    exit_code: int | None
    stopped_because: str | None
    """None, "cancelled", "timeout" or "lost"."""
    tracker: ProgressTracker
    log: bytes
    truncated: bool


def execute(run_id: int, runner: RunnerIdentity) -> None:
    seed = secrets.randbelow(2**31)
    run = attempts.run_claim(
        run_id=run_id, host_name=runner.name, session=runner.session, seed=seed
    )
    if run is None:
        return  # not queued any more, not ours, or this runner is paused: nothing to do
    seed = run.seed
    log.info("run %s attempt %s claimed (seed %s)", run.pk, run.attempt, seed)
    spec = catalogue.runnable_get(run.benchmark)
    if spec is None:
        _finish(run, runner, _infra(f"this runner does not know the benchmark '{run.benchmark}'"))
        return
    launcher = LAUNCHERS[spec.launcher]
    run_dir = Path(settings.RUNNER_WORK_DIR) / f"run-{run.pk}-{run.attempt}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    ctx = LaunchContext(
        run_id=run.pk,
        attempt=run.attempt,
        seed=seed,
        platform=runner.platform,
        run_dir=run_dir,
        python=sys.executable,
    )
    handle: Handle | None = None
    try:
        try:
            handle = launcher.start(spec, ctx)
        except LaunchError as exc:
            _finish(run, runner, _infra(f"{launcher.name} launcher: {exc}"))
            return
        _run(handle, launcher.command(spec, ctx), launcher.name, spec, run, runner)
    except Exception as exc:
        # A failure of the runner itself (a database error, a bug): the run must not stay
        # RUNNING behind a runner whose heartbeats say it is fine.
        log.exception("run %s attempt %s: the runner failed", run.pk, run.attempt)
        if handle is not None:
            handle.kill()
        _finish(run, runner, _infra(f"the runner failed: {type(exc).__name__}: {exc}"))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _run(
    handle: Handle,
    command: list[str],
    launcher: str,
    spec: catalogue.RunnableBenchmark,
    run: Run,
    runner: RunnerIdentity,
) -> None:
    attempts.run_start(
        run_id=run.pk,
        session=runner.session,
        attempt=run.attempt,
        launcher=launcher,
        command=command,
        pid=handle.pid,
    )
    tracker = ProgressTracker(
        target=spec.quality.target,
        higher_is_better=spec.quality.higher_is_better,
        max_epochs=spec.max_epochs,
    )
    watched = watch(handle, run, runner, tracker)
    if watched.stopped_because == "lost":
        log.warning("run %s attempt %s was taken from this runner", run.pk, run.attempt)
        return
    _finish(run, runner, classify(watched, handle, run))


def watch(handle: Handle, run: Run, runner: RunnerIdentity, tracker: ProgressTracker) -> Watched:
    limit = settings.RUNNER_MAX_LOG_BYTES
    chunks: list[bytes] = []
    size, truncated = 0, False
    deadline = time.monotonic() + run.wall_clock_limit_s
    stopped_because: str | None = None
    term_sent = killed = False
    term_at = 0.0
    last_flush = 0.0
    changed = False
    while True:
        for line in handle.read_lines(READ_WAIT_S):
            changed |= tracker.feed(line)
            data = line.encode("utf-8", errors="replace")
            if size + len(data) <= limit:
                chunks.append(data)
                size += len(data)
            else:
                truncated = True
        exit_code = handle.poll()
        if exit_code is not None:
            break
        now = time.monotonic()
        since = now - last_flush
        if since >= FLUSH_EVERY_S or (changed and since >= FLUSH_CHANGES_S):
            last_flush, changed = now, False
            control = attempts.run_progress(
                run_id=run.pk,
                session=runner.session,
                attempt=run.attempt,
                progress=tracker.snapshot(),
                log_tail=tracker.tail_text(),
            )
            if not control.current:
                stopped_because = "lost"
                handle.kill()
            elif control.cancel and stopped_because is None:
                stopped_because = "cancelled"
        if stopped_because is None and now >= deadline:
            stopped_because = "timeout"
        if stopped_because and not term_sent:
            handle.terminate()
            term_sent, term_at = True, now
        if term_sent and not killed and now - term_at >= settings.RUNNER_KILL_GRACE_SECONDS:
            handle.kill()
            killed = True
    return Watched(exit_code, stopped_because, tracker, b"".join(chunks), truncated)


def classify(watched: Watched, handle: Handle, run: Run) -> AttemptResult:
    """The attempt's outcome from why it stopped, its exit status and its log."""
    code, tracker = watched.exit_code, watched.tracker
    result = AttemptResult(
        status=RunStatus.FAILED,
        exit_code=code,
        progress=tracker.snapshot(),
        log_tail=tracker.tail_text(),
    )
    if watched.stopped_because == "cancelled":
        result.status, result.failure_kind = RunStatus.CANCELLED, FailureKind.CANCELLED
        result.error = "Cancelled while running; the benchmark was stopped."
    elif watched.stopped_because == "timeout":
        result.failure_kind = FailureKind.TIMEOUT
        result.error = f"Stopped at the wall-clock limit of {run.wall_clock_limit_s} s."
    elif code is not None and (infra := handle.infrastructure_error(code)):
        result.failure_kind, result.error = FailureKind.INFRASTRUCTURE, infra
    elif code == 0 and tracker.status == "success":
        result.status = RunStatus.SUCCEEDED
    else:
        result.failure_kind, result.error = FailureKind.BENCHMARK, _benchmark_error(code, tracker)
    if watched.log:
        _validate(result, watched, run)
    return result


def _benchmark_error(code: int | None, tracker: ProgressTracker) -> str:
    if tracker.mllog_lines == 0:
        return f"The benchmark printed no valid MLLOG lines ({_exit(code)})."
    if tracker.status == "aborted":
        return f"The benchmark stopped without reaching its quality target ({_exit(code)})."
    if tracker.status is None:
        return f"The benchmark ended without logging run_stop ({_exit(code)})."
    if code:
        return f"The benchmark failed: {_exit(code)}."
    return f"run_stop has status {tracker.status!r}, not 'success'."


def _exit(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        return f"killed by signal {-code}"
    return f"exit status {code}"


def _validate(result: AttemptResult, watched: Watched, run: Run) -> None:
    result.log = watched.log
    result.log_name = f"result_{run.pk}_{run.attempt}.txt"
    result.log_truncated = watched.truncated
    rules = catalogue.project_rulesets().get(run.ruleset)
    checked = check_log(watched.log, ruleset=run.ruleset, relpath=result.log_name, rules=rules)
    result.validation = checked.to_dict()
    result.compliant = checked.compliant
    if checked.run_start_ms is not None and checked.run_stop_ms is not None:
        result.time_to_train_minutes = time_to_train_minutes(
            checked.run_start_ms, checked.run_stop_ms
        )


def _infra(message: str) -> AttemptResult:
    return AttemptResult(
        status=RunStatus.FAILED, failure_kind=FailureKind.INFRASTRUCTURE, error=message
    )


def _finish(run: Run, runner: RunnerIdentity, result: AttemptResult) -> None:
    stored = attempts.run_finish(
        run_id=run.pk, session=runner.session, attempt=run.attempt, result=result
    )
    log.info(
        "run %s attempt %s: %s %s%s",
        run.pk,
        run.attempt,
        result.status,
        result.failure_kind,
        "" if stored else " (not stored: the attempt is no longer this runner's)",
    )
