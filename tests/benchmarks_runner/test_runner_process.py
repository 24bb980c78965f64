"""Real runner processes (``manage.py runner``) on the test database and broker."""

from __future__ import annotations

import os
import signal
import time

import pytest

from benchmarks_runner import selectors
from benchmarks_runner.models import HostMode, Run, RunArtifact, RunStatus, WorkerHost
from benchmarks_runner.services import attempts, recovery
from benchmarks_runner.services.hosts import host_set_mode
from benchmarks_runner.services.runs import run_enqueue
from core.dispatch import enqueue
from tests.benchmarks_runner.conftest import register, runner_process, wait_exit
from tests.workers import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def final(run_id: int, timeout: float = 120) -> Run:
    return wait_for(
        lambda: (r := Run.objects.get(pk=run_id)).is_final and r,
        timeout=timeout,
        message=f"run {run_id} to finish",
    )


def test_a_runner_registers_and_runs_a_queued_reference_benchmark(member):
    with runner_process("proc-cpu") as proc:
        host = WorkerHost.objects.get(name="proc-cpu")
        assert host.profile is not None and host.facts["cpu_threads"]
        assert [r.state for r in selectors.host_rows() if r.host.name == "proc-cpu"] == ["online"]
        run = run_enqueue(actor=member, benchmark="digits_mlp", hardware_class="cpu")[0]
        run = final(run.pk)
        assert run.status == RunStatus.SUCCEEDED, run.error + "".join(proc.log[-30:])
        assert run.compliant is True and run.time_to_train_minutes > 0
        assert run.host.name == "proc-cpu"
    host.refresh_from_db()
    assert host.stopped_at is not None  # a clean stop is offline at once


def test_a_second_live_runner_with_the_same_name_is_refused():
    with runner_process("proc-dup"), runner_process("proc-dup", wait_ready=False) as second:
        assert wait_exit(second) != 0
        assert "already online" in "".join(second.log)


def test_a_registration_with_a_wrong_token_is_refused():
    with runner_process(
        "proc-token", token="mlwg_wrong", wait_ready=False, RUNNER_ALLOW_TOKENLESS="false"
    ) as proc:
        assert wait_exit(proc) != 0
        assert "invalid or revoked" in "".join(proc.log)
    assert WorkerHost.objects.filter(name="proc-token").count() == 0


def test_the_runner_keeps_serving_after_garbage_a_missing_tool_and_a_failure(member):
    with runner_process("proc-tough"):
        bad = [
            run_enqueue(actor=member, benchmark=slug, max_attempts=1)[0]
            for slug in ("garbage", "missing-tool", "fails")
        ]
        good = run_enqueue(actor=member, benchmark="digits_mlp")[0]
        outcomes = {final(run.pk).benchmark: final(run.pk).failure_kind for run in bad}
        assert outcomes == {
            "garbage": "benchmark",
            "missing-tool": "infrastructure",
            "fails": "benchmark",
        }
        assert final(good.pk).status == RunStatus.SUCCEEDED


def test_a_paused_runner_takes_no_run_until_it_is_resumed(member, chair):
    with runner_process("proc-pause"):
        host_set_mode(actor=chair, name="proc-pause", mode=HostMode.PAUSED)
        time.sleep(1.5)  # a few heartbeats: the runner stops consuming
        run = run_enqueue(actor=member, benchmark="digits_mlp")[0]
        time.sleep(3)
        assert Run.objects.get(pk=run.pk).status == RunStatus.QUEUED
        assert "paused" in selectors.queue_warning(Run.objects.get(pk=run.pk))
        host_set_mode(actor=chair, name="proc-pause", mode=HostMode.ACTIVE)
        assert final(run.pk).status == RunStatus.SUCCEEDED


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone for our purpose
        return stat.read().split()[2] != "Z"


def test_a_benchmark_dies_with_its_runner_even_if_it_never_writes_again(member):
    run = run_enqueue(actor=member, benchmark="quiet", max_attempts=1)[0]
    with runner_process("proc-quiet") as runner:
        wait_for(lambda: "started" in Run.objects.get(pk=run.pk).log_tail, timeout=60)
        pid = run.attempts.get().pid
        assert _alive(pid) and os.getpgid(pid) == pid != os.getpgid(runner.pid)
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(timeout=10)
        try:
            wait_for(lambda: not _alive(pid), timeout=10, message="the benchmark to die")
        finally:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_runner_killed_mid_run_loses_the_run_and_the_next_attempt_runs_once(member, settings):
    settings.RUNNER_OFFLINE_AFTER_SECONDS = 3
    run = run_enqueue(actor=member, benchmark="sine_rnn", max_attempts=2)[0]
    with runner_process("proc-doomed") as doomed:
        wait_for(
            lambda: (Run.objects.get(pk=run.pk).progress or {}).get("epoch"),
            timeout=90,
            message="the benchmark to be training",
        )
        benchmark_pid = run.attempts.get(number=1).pid
        assert _alive(benchmark_pid)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
        # The benchmark dies with its runner (parent-death signal), even in its own group.
        wait_for(lambda: not _alive(benchmark_pid), timeout=10, message="the orphan to die")
    wait_for(
        lambda: recovery.runs_reap()["lost"] or Run.objects.get(pk=run.pk).attempt == 2,
        timeout=30,
        message="the reaper to see the runner gone",
    )
    run.refresh_from_db()
    assert (run.status, run.attempt) == (RunStatus.QUEUED, 2)
    with runner_process("proc-rescuer"):
        run = final(run.pk)
    assert run.status == RunStatus.SUCCEEDED
    assert list(run.attempts.order_by("number").values_list("status", "host__name")) == [
        ("lost", "proc-doomed"),
        ("succeeded", "proc-rescuer"),
    ]
    assert list(RunArtifact.objects.filter(run=run).values_list("attempt", flat=True)) == [2]


def test_the_reaper_runs_on_the_control_queue_of_a_real_worker(member, settings):
    settings.RUNNER_OFFLINE_AFTER_SECONDS = 1
    identity = register()
    run = run_enqueue(actor=member, benchmark="digits_mlp", max_attempts=1)[0]
    attempts.run_claim(run_id=run.pk, host_name=identity.name, session=identity.session, seed=1)
    time.sleep(1.5)  # the registered runner never sends a heartbeat
    with celery_worker(["control"], extra_env={"RUNNER_OFFLINE_AFTER_SECONDS": "1"}):
        enqueue("benchmarks_runner.reap_runs", queue="control")
        wait_for(lambda: Run.objects.get(pk=run.pk).status == RunStatus.LOST, timeout=60)
