"""Faults with real processes: workers SIGKILLed mid-work, a worker with a wrong database URL.

A beat process runs the reaper every two seconds and counts work as stalled after six (the
variables an operator would set); whatever dies, each version must reach exactly one verdict,
with no finding or score stored twice, in under two minutes.
"""

from __future__ import annotations

import os
import tarfile
import time
from pathlib import Path

import pytest
from django.db import close_old_connections
from django.db.models import Count

from core.models import AuditEvent
from submissions.models import BenchmarkCheck, Finding, Score, SubmissionVersion
from submissions.models.validation import CheckStatus
from submissions.services.intake import version_upload
from tests.submissions.checker import mllog_factory
from tests.workers import Process, celery_beat, start_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINAL = ("valid", "invalid", "rejected", "failed")
VERDICTS = [f"submission.{status}" for status in FINAL]


@pytest.fixture
def fault_env(submissions_root) -> dict[str, str]:
    return {
        "SUBMISSIONS_ROOT": str(submissions_root),
        "REAPER_INTERVAL_SECONDS": "2",
        "REAPER_STALL_SECONDS": "6",
        "WORK_HEARTBEAT_SECONDS": "1",
        # One task checks every folder in turn, so the checking lasts long enough to be cut.
        "VALIDATION_BATCHES": "1",
    }


def _package(tmp: Path, *, systems: int = 1, padding_mb: int = 0) -> Path:
    """A valid package (Acme, ``systems`` systems) in a folder, with optional bulk beside it."""
    root = tmp / "package"
    for index in range(systems):
        mllog_factory.write_package(root, "5.1.0", org="Acme", system=f"acme_box{index}")
    if padding_mb:
        (root / "padding").mkdir()
        # Mostly zeros, so the archive stays small, but not so compressible that the unpacker
        # takes it for a compression bomb.
        with open(root / "padding" / "bulk.bin", "wb") as stream:
            for _ in range(padding_mb):
                stream.write(os.urandom(16 * 1024) + bytes(1008 * 1024))
    archive = tmp / "package.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        tar.add(root, arcname="package")
    return archive


def _upload(round_, org, user, archive: Path) -> SubmissionVersion:
    with archive.open("rb") as stream:
        return version_upload(
            actor=user, round=round_, organization=org, stream=stream, original_name=archive.name
        )


def _status(pk: int) -> str:
    close_old_connections()
    return SubmissionVersion.objects.get(pk=pk).status


def _final(pk: int, processes: list[Process], timeout: float = 120) -> str:
    return wait_for(
        lambda: (s := _status(pk)) in FINAL and s,
        timeout=timeout,
        interval=0.2,
        message=f"a verdict on version {pk}",
        logs=processes,
    )


def _assert_one_verdict(pk: int, systems: int) -> None:
    version = SubmissionVersion.objects.get(pk=pk)
    assert version.status == "valid", version.rejection
    verdicts = AuditEvent.objects.filter(
        object_type="submissions.submissionversion", object_id=str(pk), action__in=VERDICTS
    )
    assert verdicts.count() == 1
    findings = Finding.objects.filter(report__version=version)
    twice = findings.values("check_name", "path", "line", "message").annotate(n=Count("id"))
    assert not twice.filter(n__gt=1).exists()
    assert Score.objects.filter(version=version).count() == systems
    assert version.report.logs_checked == 10 * systems


def test_a_worker_killed_while_unpacking_is_replaced_and_the_unpacking_runs_again(
    round_open, acme, acme_submitter, tmp_path, fault_env
):
    archive = _package(tmp_path, padding_mb=400)
    with celery_beat(tmp_path, extra_env=fault_env) as beat:
        first = start_worker(["validate", "control"], extra_env=fault_env, name="first")
        version = _upload(round_open, acme, acme_submitter, archive)
        wait_for(
            lambda: _status(version.pk) != "received",
            interval=0.005,
            message="the unpacking to start",
            logs=[first],
        )
        assert _status(version.pk) == "unpacking", "the unpacking ended before the kill"
        first.kill()
        killed_at = time.monotonic()
        second = start_worker(["validate", "control"], extra_env=fault_env, name="second")
        try:
            _final(version.pk, [beat, first, second])
        finally:
            second.stop()
    assert time.monotonic() - killed_at < 120
    _assert_one_verdict(version.pk, systems=1)
    version.refresh_from_db()
    assert version.unpack_attempts == 2
    assert AuditEvent.objects.filter(
        object_id=str(version.pk), action="submission.received"
    ).exists()  # the reaper sent it back to be unpacked again


def test_a_worker_killed_while_checking_is_replaced_and_the_checks_run_again(
    round_open, acme, acme_submitter, tmp_path, fault_env
):
    systems = 8
    archive = _package(tmp_path, systems=systems)
    with celery_beat(tmp_path, extra_env=fault_env) as beat:
        first = start_worker(["validate", "control"], extra_env=fault_env, name="first")
        version = _upload(round_open, acme, acme_submitter, archive)

        def running() -> bool:
            close_old_connections()
            return BenchmarkCheck.objects.filter(
                report__version=version, status=CheckStatus.RUNNING
            ).exists()

        wait_for(running, interval=0.005, timeout=60, message="a check to run", logs=[first])
        first.kill()
        killed_at = time.monotonic()
        done_before = BenchmarkCheck.objects.filter(
            report__version=version, status=CheckStatus.DONE
        ).count()
        assert done_before < systems, "the checks ended before the kill"
        second = start_worker(["validate", "control"], extra_env=fault_env, name="second")
        try:
            _final(version.pk, [beat, first, second])
        finally:
            second.stop()
    assert time.monotonic() - killed_at < 120
    _assert_one_verdict(version.pk, systems=systems)
    checks = BenchmarkCheck.objects.filter(report__version=version)
    assert all(c.status == CheckStatus.DONE for c in checks)
    assert max(c.attempts for c in checks) == 2  # the folder that was cut ran once more


def test_a_worker_with_a_wrong_database_url_beside_a_good_one_loses_no_task(
    round_open, acme, acme_submitter, tmp_path, fault_env
):
    wrong = {**fault_env, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing"}
    bad = start_worker(["validate", "control"], extra_env=wrong, name="bad")
    good = start_worker(["validate", "control"], extra_env=fault_env, name="good")
    try:
        with celery_beat(tmp_path, extra_env=fault_env) as beat:
            archive = _package(tmp_path)
            versions = [_upload(round_open, acme, acme_submitter, archive) for _ in range(4)]
            for version in versions:
                _final(version.pk, [beat, bad, good])
    finally:
        bad.stop()
        good.stop()
    for version in versions:
        _assert_one_verdict(version.pk, systems=1)
    assert any("stopped taking work" in line for line in bad.log), bad.text()
    assert not any("received" in line and "Task submissions" in line for line in bad.log)
