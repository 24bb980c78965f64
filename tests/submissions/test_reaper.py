"""The reaper and the claims: stalled work is queued again once, a crash during unpacking
re-queues the unpacking (up to a cap), infrastructure errors are retried and never recorded as
the package's failure. Tasks run inline here; test_faults.py kills real workers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from core.work import Execution
from submissions.models import BenchmarkCheck, SubmissionVersion
from submissions.models.validation import CheckStatus
from submissions.services import checking, processing, reaper
from submissions.services.intake import version_upload
from submissions.tasks import process_version_task
from tests.submissions.packages import generated_org, tar_gz

pytestmark = pytest.mark.usefixtures("submissions_root")
LONG_AGO = timedelta(hours=1)


@pytest.fixture
def received(round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks):
    """A version whose processing message never arrived (nothing runs the queue here)."""
    with django_capture_on_commit_callbacks(execute=False):
        version = version_upload(
            actor=acme_submitter,
            round=round_open,
            organization=acme,
            stream=tar_gz(generated_org(tmp_path)),
            original_name="p.tar.gz",
        )
    return version


def _sent(monkeypatch) -> list[tuple[str, tuple]]:
    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr(
        "submissions.services.queueing.enqueue",
        lambda name, *args, queue: sent.append((name, args)),
    )
    return sent


def _age(version: SubmissionVersion, **fields) -> None:
    SubmissionVersion.objects.filter(pk=version.pk).update(
        heartbeat_at=timezone.now() - LONG_AGO, **fields
    )


def test_a_version_whose_message_was_lost_is_queued_once_per_stall(received, monkeypatch):
    sent = _sent(monkeypatch)
    assert reaper.stalled_work_requeue()["received"] == 0  # not stalled yet
    _age(received)
    assert reaper.stalled_work_requeue()["received"] == 1
    assert reaper.stalled_work_requeue()["received"] == 0  # the first run left a sign of life
    assert sent == [("submissions.process_version", (received.pk,))]


def test_unpacking_that_went_quiet_is_sent_back_to_be_unpacked_again(
    received, monkeypatch, django_capture_on_commit_callbacks
):
    sent = _sent(monkeypatch)
    processing._claim_unpacking(received, Execution("dead-task"))
    _age(received)
    with django_capture_on_commit_callbacks(execute=True):
        assert reaper.stalled_work_requeue()["unpacking"] == 1
    assert sent == [("submissions.process_version", (received.pk,))]
    received.refresh_from_db()
    assert received.status == "received" and received.claimed_by == ""
    assert received.unpack_attempts == 1  # the next claim counts the next attempt


def test_unpacking_that_keeps_dying_fails_the_version_with_the_reason(received):
    _age(received, unpack_attempts=processing.MAX_UNPACK_ATTEMPTS)
    processing.version_process(version_id=received.pk, execution=Execution("next"))
    received.refresh_from_db()
    assert received.status == "failed"
    assert "unpacking stopped 3 times" in received.rejection


def test_a_redelivered_task_counts_an_attempt_and_a_retried_one_does_not(received):
    first = Execution("task-1", retries=0)
    assert processing._claim_unpacking(received, first)
    received.refresh_from_db()
    assert received.unpack_attempts == 1
    # The same run delivered again: its worker process died mid-way.
    assert processing._claim_unpacking(received, first)
    received.refresh_from_db()
    assert received.unpack_attempts == 2
    # The task retried after an infrastructure error resumes its own claim, uncounted.
    assert processing._claim_unpacking(received, Execution("task-1", retries=1))
    received.refresh_from_db()
    assert received.unpack_attempts == 2 and received.claimed_by == "task-1#1"
    # Another task leaves it alone.
    assert not processing._claim_unpacking(received, Execution("task-2"))


def test_a_check_that_went_quiet_goes_back_to_pending_and_is_queued(
    received, monkeypatch, django_capture_on_commit_callbacks
):
    sent = _sent(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        processing.version_process(version_id=received.pk, execution=Execution("unpack"))
    sent.clear()
    check = BenchmarkCheck.objects.get(report__version=received)
    assert checking._claim_check(check.pk, Execution("dead"))
    BenchmarkCheck.objects.filter(pk=check.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        assert reaper.stalled_work_requeue()["checks"] == 1
    check.refresh_from_db()
    assert check.status == CheckStatus.PENDING and check.attempts == 1
    assert sent == [("submissions.check_benchmarks", ([check.pk],))]


def test_an_infrastructure_error_is_retried_and_not_recorded_as_a_failure(
    received, monkeypatch, eager, django_capture_on_commit_callbacks
):
    real = processing.version_process
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["execution"])
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(processing, "version_process", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        process_version_task.apply(args=[received.pk], throw=False)
    received.refresh_from_db()
    assert received.status == "valid"
    assert [c.retries for c in calls] == [0, 1]
    assert calls[0].task_id == calls[1].task_id
