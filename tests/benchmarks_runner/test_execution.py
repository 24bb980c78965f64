"""The runner's loop with real benchmark processes (no Celery): outcomes are classified, logs
stored and validated, cancel and the wall-clock limit stop the whole process group."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import connections

from benchmarks_runner import execution
from benchmarks_runner.models import FailureKind, Run, RunArtifact, RunStatus
from benchmarks_runner.services.runs import run_cancel, run_enqueue
from tests.benchmarks_runner.conftest import register
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_messages(monkeypatch):
    monkeypatch.setattr("benchmarks_runner.services.lifecycle.enqueue", lambda *a, **k: None)


def execute(user, benchmark, **kwargs) -> Run:
    identity = register()
    run = run_enqueue(actor=user, benchmark=benchmark, **kwargs)[0]
    execution.execute(run.pk, identity)
    run.refresh_from_db()
    return run


def test_a_reference_run_succeeds_with_a_compliant_log_and_a_time_to_train(member):
    run = execute(member, "digits_mlp")
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.compliant is True
    assert 0 < run.time_to_train_minutes < 1
    assert run.progress["phase"] == "stopped" and run.progress["fraction"] == 1.0
    assert run.progress["curve"] and run.progress["accuracy"] >= 0.97
    log = RunArtifact.objects.get(run=run)
    assert b":::MLLOG" in bytes(log.content) and not log.truncated
    seeds = [r for r in bytes(log.content).decode().splitlines() if '"key": "seed"' in r]
    assert f'"value": {run.seed}' in seeds[0]
    attempt = run.attempts.get()
    assert (attempt.status, attempt.exit_code, attempt.launcher) == ("succeeded", 0, "local")
    assert "benchmarks_runner.references.digits_mlp" in attempt.command


def test_a_benchmark_that_prints_garbage_fails_clearly_and_keeps_its_output(member):
    run = execute(member, "garbage")
    assert (run.status, run.failure_kind) == (RunStatus.FAILED, FailureKind.BENCHMARK)
    assert "no valid MLLOG lines" in run.error
    assert run.compliant is False
    assert RunArtifact.objects.filter(run=run).exists()


def test_a_benchmark_that_exits_with_an_error_is_a_benchmark_failure(member):
    run = execute(member, "fails")
    assert run.failure_kind == FailureKind.BENCHMARK
    assert "exit status 7" in run.error or "without logging run_stop" in run.error
    assert run.attempts.get().exit_code == 7


def test_a_missing_launcher_command_is_an_infrastructure_failure_retried_then_failed(member):
    run = execute(member, "missing-tool", max_attempts=1)
    assert (run.status, run.failure_kind) == (RunStatus.FAILED, FailureKind.INFRASTRUCTURE)
    assert "'no-such-benchmark-tool' is not installed" in run.error


def test_a_run_beyond_its_wall_clock_limit_is_stopped_and_classified(member):
    started = time.monotonic()
    run = execute(member, "forever", wall_clock_limit_s=2)
    assert (run.status, run.failure_kind) == (RunStatus.FAILED, FailureKind.TIMEOUT)
    assert time.monotonic() - started < 20
    assert run.attempts.get().exit_code == -15  # SIGTERM reached it


def _cancel_once_working(user, benchmark: str) -> Run:
    identity = register()
    run = run_enqueue(actor=user, benchmark=benchmark)[0]

    def in_a_thread() -> None:
        try:
            execution.execute(run.pk, identity)
        finally:
            connections.close_all()  # this thread's own connection

    worker = threading.Thread(target=in_a_thread)
    worker.start()
    wait_for(lambda: "still working" in Run.objects.get(pk=run.pk).log_tail, timeout=60)
    run_cancel(actor=user, run_id=run.pk)
    worker.join(timeout=30)
    assert not worker.is_alive()
    run.refresh_from_db()
    return run


def test_cancelling_a_running_benchmark_stops_it_with_sigterm(member):
    run = _cancel_once_working(member, "forever")
    assert (run.status, run.failure_kind) == (RunStatus.CANCELLED, FailureKind.CANCELLED)
    assert run.attempts.get().exit_code == -15


def test_a_benchmark_that_ignores_sigterm_is_killed_after_the_grace_period(member):
    run = _cancel_once_working(member, "stubborn")
    assert run.status == RunStatus.CANCELLED
    assert run.attempts.get().exit_code == -9


def test_the_group_of_a_stopped_benchmark_is_gone(member, tmp_path):
    # The container launcher's handle is a pipe handle too: check on the local one that a
    # stopped attempt leaves no process of its group behind.
    run = execute(member, "forever", wall_clock_limit_s=1)
    leftovers = [
        pid
        for pid in os.listdir("/proc")
        if pid.isdigit() and _cmdline(pid).endswith("programsforever")
    ]
    assert run.failure_kind == FailureKind.TIMEOUT
    assert leftovers == []


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b"").decode(errors="replace")[-40:]
    except OSError:
        return ""


def test_a_failure_of_the_runner_itself_fails_the_attempt_and_stops_the_benchmark(
    member, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(execution.attempts, "run_progress", broken)
    run = execute(member, "forever", max_attempts=1)
    assert (run.status, run.failure_kind) == (RunStatus.FAILED, FailureKind.INFRASTRUCTURE)
    assert "RuntimeError: database went away" in run.error
    assert not _alive(run.attempts.get().pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False
