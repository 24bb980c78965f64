"""Queueing, claiming, cancelling and finishing runs; the transition table; the reaper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks_runner.models import (
    FailureKind,
    HostMode,
    Run,
    RunArtifact,
    RunAttempt,
    RunStatus,
    WorkerHost,
)
from benchmarks_runner.services import attempts, recovery
from benchmarks_runner.services.attempts import AttemptResult
from benchmarks_runner.services.hosts import host_set_mode
from benchmarks_runner.services.lifecycle import transition
from benchmarks_runner.services.runs import run_cancel, run_enqueue
from core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from core.models import AuditEvent
from tests.benchmarks_runner.conftest import register

pytestmark = pytest.mark.django_db


def queue(user, **kwargs):
    return run_enqueue(actor=user, benchmark=kwargs.pop("benchmark", "digits_mlp"), **kwargs)[0]


def claim(run, identity, seed=5):
    return attempts.run_claim(
        run_id=run.pk, host_name=identity.name, session=identity.session, seed=seed
    )


def test_a_member_queues_a_run_and_its_message_is_sent_after_commit(
    member, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "benchmarks_runner.services.lifecycle.enqueue",
        lambda name, *args, queue: sent.append((name, args, queue)),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = queue(member, hardware_class="cpu")
        assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [("benchmarks_runner.execute_run", (run.pk,), "hw.cpu")]
    assert run.status == RunStatus.QUEUED
    assert run.ruleset == "reference_1.0.0"
    assert run.wall_clock_limit_s == 300
    assert AuditEvent.objects.filter(action="run.queued", object_id=str(run.pk)).exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "observer"])
def test_who_is_not_a_member_may_not_queue(who, request):
    with pytest.raises(PermissionDenied):
        queue(request.getfixturevalue(who))


def test_bad_requests_are_refused_with_what_is_wrong(member):
    with pytest.raises(DomainError, match="'nope' is not a runnable benchmark"):
        queue(member, benchmark="nope")
    with pytest.raises(DomainError, match="not a hardware class name"):
        queue(member, hardware_class="GPU 80GB")
    with pytest.raises(DomainError, match="runs on cpu, not on 'tpu'"):
        queue(member, benchmark="llama2-reference", hardware_class="tpu")
    with pytest.raises(DomainError, match="wall-clock limit"):
        queue(member, wall_clock_limit_s=0)
    with pytest.raises(DomainError, match="Attempts"):
        queue(member, max_attempts=9)
    with pytest.raises(NotFound, match="No runner named"):
        queue(member, host_name="ghost")
    with pytest.raises(DomainError, match="only runs to reproduce"):
        queue(member, benchmark="llama2-reference")
    assert not Run.objects.exists()


def test_a_run_for_a_named_host_goes_to_its_queue(member):
    identity = register("gpu-7", "gpu")
    run = queue(member, host_name=identity.name)
    assert run.queue == "host.gpu-7"
    assert run.hardware_class == "gpu"


def test_a_runner_claims_a_run_once_and_a_duplicated_message_is_harmless(member):
    identity = register()
    run = queue(member)
    assert claim(run, identity) is not None
    assert claim(run, identity) is None
    other = register("cpu-2")
    assert claim(run, other) is None
    run.refresh_from_db()
    assert (run.status, run.host.name, run.seed) == (RunStatus.CLAIMED, "cpu-1", 5)
    assert RunAttempt.objects.filter(run=run).count() == 1


def test_a_runner_does_not_claim_runs_of_another_class_or_another_named_host(member):
    gpu = register("gpu-1", "gpu")
    cpu = register("cpu-1", "cpu")
    assert claim(queue(member, hardware_class="cpu"), gpu) is None
    assert claim(queue(member, host_name="gpu-1"), cpu) is None


@pytest.mark.parametrize("mode", [HostMode.PAUSED, HostMode.DRAINING])
def test_a_paused_or_draining_runner_claims_nothing(member, chair, mode):
    identity = register()
    host_set_mode(actor=chair, name=identity.name, mode=mode)
    assert claim(queue(member), identity) is None


def test_a_stale_session_claims_nothing(member, settings):
    old = register()
    WorkerHost.objects.update(heartbeat_at=timezone.now() - timedelta(hours=1))
    register()
    assert claim(queue(member), old) is None


def test_an_expired_run_is_not_claimed_but_expires(member):
    identity = register()
    run = queue(member)
    Run.objects.filter(pk=run.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert claim(run, identity) is None
    run.refresh_from_db()
    assert run.status == RunStatus.EXPIRED


def _start(run, identity):
    claimed = claim(run, identity)
    assert attempts.run_start(
        run_id=run.pk, session=identity.session, attempt=claimed.attempt, launcher="local",
        command=["x"],
    )  # fmt: skip
    return claimed


def test_cancelling_a_queued_run_removes_it(member):
    run = queue(member)
    run_cancel(actor=member, run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.failure_kind) == (RunStatus.CANCELLED, FailureKind.CANCELLED)
    with pytest.raises(InvalidTransition, match="already cancelled"):
        run_cancel(actor=member, run_id=run.pk)


def test_cancelling_a_running_run_asks_its_runner_who_sees_it_at_the_next_report(member):
    identity = register()
    run = _start(queue(member), identity)
    run_cancel(actor=member, run_id=run.pk)
    control = attempts.run_progress(
        run_id=run.pk, session=identity.session, attempt=1, progress={"epoch": 1}, log_tail=""
    )
    assert control.current and control.cancel


def test_only_who_queued_it_or_a_chair_may_cancel(member, chair, submitter_b):
    run = queue(member)
    with pytest.raises(PermissionDenied):
        run_cancel(actor=submitter_b, run_id=run.pk)
    run_cancel(actor=chair, run_id=run.pk)


def test_a_finished_attempt_stores_one_log_and_its_verdict(member):
    identity = register()
    run = _start(queue(member), identity)
    result = AttemptResult(
        status=RunStatus.SUCCEEDED, exit_code=0, log=b"log", compliant=True,
        validation={"findings": []}, time_to_train_minutes=0.02, progress={"epoch": 3},
    )  # fmt: skip
    assert attempts.run_finish(run_id=run.pk, session=identity.session, attempt=1, result=result)
    assert not attempts.run_finish(
        run_id=run.pk, session=identity.session, attempt=1, result=result
    )
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.compliant and run.progress == {"epoch": 3}
    assert RunArtifact.objects.filter(run=run).count() == 1


def test_an_infrastructure_failure_queues_the_next_attempt_while_attempts_remain(member):
    identity = register()
    run = _start(queue(member, max_attempts=2), identity)
    failed = AttemptResult(
        status=RunStatus.FAILED, failure_kind=FailureKind.INFRASTRUCTURE, error="tool missing"
    )
    attempts.run_finish(run_id=run.pk, session=identity.session, attempt=1, result=failed)
    run.refresh_from_db()
    assert (run.status, run.attempt, run.host) == (RunStatus.QUEUED, 2, None)
    run = _start(run, identity)
    attempts.run_finish(run_id=run.pk, session=identity.session, attempt=2, result=failed)
    run.refresh_from_db()
    assert (run.status, run.failure_kind) == (RunStatus.FAILED, FailureKind.INFRASTRUCTURE)
    assert list(run.attempts.values_list("status", flat=True)) == ["failed", "failed"]


def test_a_benchmark_failure_is_not_retried(member):
    identity = register()
    run = _start(queue(member, max_attempts=3), identity)
    failed = AttemptResult(status=RunStatus.FAILED, failure_kind=FailureKind.BENCHMARK)
    attempts.run_finish(run_id=run.pk, session=identity.session, attempt=1, result=failed)
    run.refresh_from_db()
    assert (run.status, run.attempt) == (RunStatus.FAILED, 1)


def test_the_reaper_loses_runs_of_silent_runners_and_queues_the_next_attempt(member, settings):
    identity = register()
    run = _start(queue(member, max_attempts=2), identity)
    later = timezone.now() + timedelta(seconds=settings.RUNNER_OFFLINE_AFTER_SECONDS + 1)
    assert recovery.runs_reap(now=later)["lost"] == 1
    run.refresh_from_db()
    assert (run.status, run.attempt) == (RunStatus.QUEUED, 2)
    assert RunAttempt.objects.get(run=run, number=1).status == RunStatus.LOST
    # The silent runner comes back: its attempt is not its own any more.
    control = attempts.run_progress(
        run_id=run.pk, session=identity.session, attempt=1, progress={}, log_tail=""
    )
    assert not control.current
    done = AttemptResult(status=RunStatus.SUCCEEDED, log=b"late")
    assert not attempts.run_finish(run_id=run.pk, session=identity.session, attempt=1, result=done)
    assert not RunArtifact.objects.exists()


def test_the_reaper_leaves_runs_of_live_runners_alone(member):
    identity = register()
    _start(queue(member), identity)
    assert recovery.runs_reap()["lost"] == 0


def test_a_run_claimed_by_a_replaced_session_is_lost_at_once(member):
    identity = register()
    run = _start(queue(member, max_attempts=1), identity)
    WorkerHost.objects.update(session=None)
    assert recovery.runs_reap()["lost"] == 1
    run.refresh_from_db()
    assert run.status == RunStatus.LOST


def test_a_lost_run_whose_cancel_was_asked_is_cancelled_not_retried(member, settings):
    identity = register()
    run = _start(queue(member, max_attempts=3), identity)
    run_cancel(actor=member, run_id=run.pk)
    later = timezone.now() + timedelta(seconds=settings.RUNNER_OFFLINE_AFTER_SECONDS + 1)
    recovery.runs_reap(now=later)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED


def test_queued_runs_expire_and_are_redispatched_only_to_serving_runners(
    member, settings, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "benchmarks_runner.services.lifecycle.enqueue",
        lambda name, *args, queue: sent.append(queue),
    )
    register("cpu-1", "cpu")
    served = queue(member, hardware_class="cpu")
    unserved = queue(member, hardware_class="tpu")
    soon = timezone.now() + timedelta(seconds=settings.RUNNER_REDISPATCH_SECONDS + 1)
    WorkerHost.objects.update(heartbeat_at=soon)
    assert recovery.runs_reap(now=soon)["redispatched"] == 1
    assert sent == ["hw.cpu"]
    late = timezone.now() + timedelta(seconds=settings.RUNNER_QUEUE_EXPIRY_SECONDS + 1)
    assert recovery.runs_reap(now=late)["expired"] == 2
    for run in (served, unserved):
        run.refresh_from_db()
        assert run.status == RunStatus.EXPIRED


ALLOWED = {(a, b) for a, targets in Run.TRANSITIONS.items() for b in targets}


@pytest.mark.parametrize("source", RunStatus.values)
@pytest.mark.parametrize("target", RunStatus.values)
def test_the_transition_table_allows_exactly_its_edges(source, target, member):
    run = queue(member)
    Run.objects.filter(pk=run.pk).update(status=source)
    run.refresh_from_db()
    if (source, target) in ALLOWED:
        assert transition(run, target)
        assert Run.objects.get(pk=run.pk).status == target
    else:
        with pytest.raises(InvalidTransition):
            transition(run, target)


def test_a_transition_loses_a_race_without_writing(member):
    run = queue(member)
    stale = Run.objects.get(pk=run.pk)
    run_cancel(actor=member, run_id=run.pk)
    assert not transition(stale, RunStatus.CLAIMED)
    assert Run.objects.get(pk=run.pk).status == RunStatus.CANCELLED


def test_a_requested_seed_is_used_by_every_attempt(member):
    identity = register()
    run = queue(member, seed=1234, max_attempts=2)
    assert claim(run, identity, seed=99).seed == 1234
    with pytest.raises(DomainError, match="seed must be between"):
        queue(member, seed=-1)
