"""From a stored archive to a validation report: unpack, plan, check per benchmark, finalize.

Each step claims its work with a conditional update that records the task execution
(``core.work.Execution``), so a task that runs twice (a duplicate message, the reaper
re-queueing) does nothing the second time, while the same task retried or redelivered after its
worker died finds its own claim again. Slow work (unpacking, checking) runs outside
transactions and keeps a heartbeat on its row; the database holds every step's state, so a
crashed worker loses nothing: the reaper (``submissions.services.reaper``) finds what stopped
and queues it again.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import InvalidTransition
from core.work import Execution, heartbeat
from roadmap.selectors.round_rules import round_ruleset
from submissions import checker, notifications, storage
from submissions.intake_checks import IntakeRefusal, find_org_folder, refuse_foreign_package
from submissions.models import (
    BenchmarkCheck,
    SubmissionFile,
    SubmissionVersion,
    SystemDescription,
    ValidationReport,
)
from submissions.models.intake import VersionStatus
from submissions.models.validation import CheckStatus
from submissions.results_columns import system_columns
from submissions.services.queueing import enqueue_checks, enqueue_finalize, enqueue_processing
from submissions.services.reporting import report_store
from submissions.unpack import UnpackedFile, UnpackError, UnpackLimits, unpack_archive

# An archive whose unpacking dies this many times (it crashes or exhausts the worker) fails the
# version with that reason instead of being retried forever.
MAX_UNPACK_ATTEMPTS = 3


def _transition(version: SubmissionVersion, to: str, **fields: object) -> bool:
    """Move a version to ``to`` if the lifecycle allows it and nobody else moved it first."""
    if to not in SubmissionVersion.TRANSITIONS[version.status]:
        raise InvalidTransition(f"{version}: cannot go from {version.status} to {to}")
    moved = SubmissionVersion.objects.filter(pk=version.pk, status=version.status).update(
        status=to, status_changed_at=timezone.now(), **fields
    )
    if moved:
        audit_record(
            actor=None,
            action=f"submission.{to}",
            obj=version,
            before={"status": version.status},
            # Bookkeeping (claims, heartbeats, counters) is not part of the story.
            after={"status": to, **{k: v for k, v in fields.items() if k in _AUDITED}},
        )
        version.status = to
        notifications.version_status_changed(version=version)
    return bool(moved)


_AUDITED = {"rejection", "org_folder"}


def version_process(*, version_id: int, execution: Execution) -> None:
    """Unpack a received version, refuse foreign packages, and queue one check per benchmark."""
    version = SubmissionVersion.objects.select_related(
        "submission__round", "submission__organization"
    ).get(pk=version_id)
    if not _claim_unpacking(version, execution):
        return
    claimed = SubmissionVersion.objects.filter(pk=version.pk, claimed_by=execution.token)
    with heartbeat(claimed, every=settings.WORK_HEARTBEAT_SECONDS):
        dest = storage.prepare_tree(version.pk)  # a previous attempt may have died half-way
        try:
            files = unpack_archive(storage.archive_path(version.sha256), dest, limits=_limits())
            org_folder = find_org_folder(storage.tree_path(version.pk))
            refuse_foreign_package(
                org_folder, version.submission, tree=storage.tree_path(version.pk)
            )
        except (UnpackError, IntakeRefusal) as exc:
            storage.remove_tree(version.pk)
            with transaction.atomic():
                _transition(version, VersionStatus.REJECTED, rejection=str(exc), claimed_by="")
            return
        _start_validation(version, files, org_folder)


def _claim_unpacking(version: SubmissionVersion, execution: Execution) -> bool:
    """Take the version for this execution, counting an attempt unless this task is resuming
    after an infrastructure error (a retry); a redelivery after a crash counts."""
    if version.status == VersionStatus.RECEIVED:
        attempts = version.unpack_attempts + 1
    elif version.status == VersionStatus.UNPACKING and execution.owns(version.claimed_by):
        attempts = version.unpack_attempts + int(execution.is_redelivery(version.claimed_by))
    else:
        return False  # done, or someone else's (the reaper frees claims that went quiet)
    with transaction.atomic():
        if attempts > MAX_UNPACK_ATTEMPTS:
            _transition(
                version,
                VersionStatus.FAILED,
                claimed_by="",
                rejection=f"Validation could not run: unpacking stopped {attempts - 1} times "
                "(the worker died or ran out of time); the archive may be damaged or too "
                "large to unpack.",
            )
            return False
        fields = {
            "claimed_by": execution.token,
            "heartbeat_at": timezone.now(),
            "unpack_attempts": attempts,
        }
        if version.status == VersionStatus.RECEIVED:
            return _transition(version, VersionStatus.UNPACKING, **fields)
        return bool(
            SubmissionVersion.objects.filter(
                pk=version.pk, status=VersionStatus.UNPACKING, claimed_by=version.claimed_by
            ).update(**fields)
        )


def version_requeue_unpacking(*, version_id: int, stalled_before: datetime) -> bool:
    """The reaper: unpacking whose heartbeat went quiet goes back to RECEIVED and is queued
    again (the next claim counts the attempt). Returns whether it was re-queued."""
    with transaction.atomic():
        version = SubmissionVersion.objects.select_for_update().get(pk=version_id)
        if version.status != VersionStatus.UNPACKING or not (
            version.heartbeat_at is None or version.heartbeat_at < stalled_before
        ):
            return False
        _transition(version, VersionStatus.RECEIVED, claimed_by="", heartbeat_at=timezone.now())
        transaction.on_commit(lambda: enqueue_processing(version_id))
    return True


def _limits() -> UnpackLimits:
    return UnpackLimits(
        max_files=settings.SUBMISSION_MAX_FILES,
        max_total_bytes=settings.SUBMISSION_MAX_UNPACKED_BYTES,
    )


def _start_validation(
    version: SubmissionVersion, files: list[UnpackedFile], org_folder: Path
) -> None:
    tree = storage.tree_path(version.pk)
    relative_org = org_folder.relative_to(tree).as_posix() if org_folder != tree else ""
    plan = checker.plan_package(org_folder)
    with transaction.atomic():
        SubmissionFile.objects.bulk_create(
            SubmissionFile(version=version, path=f.path, size_bytes=f.size, sha256=f.sha256)
            for f in files
        )
        SystemDescription.objects.bulk_create(_system_descriptions(version, org_folder))
        report = ValidationReport.objects.create(
            version=version,
            ruleset=round_ruleset(version.submission.round),  # the frozen one, once frozen
            started_at=timezone.now(),
        )
        queued_at = timezone.now()
        BenchmarkCheck.objects.bulk_create(
            BenchmarkCheck(
                report=report, system=system, benchmark=benchmark, heartbeat_at=queued_at
            )
            for system, benchmark in plan.units
        )
        _transition(
            version,
            VersionStatus.VALIDATING,
            org_folder=relative_org,
            claimed_by="",
            heartbeat_at=queued_at,
        )
        ids = list(BenchmarkCheck.objects.filter(report=report).values_list("pk", flat=True))
        transaction.on_commit(lambda: enqueue_checks(ids) if ids else enqueue_finalize(version.pk))


def _system_descriptions(version: SubmissionVersion, org_folder: Path) -> list[SystemDescription]:
    rows = []
    for path in sorted((org_folder / "systems").glob("*.json")):
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # the validator reports it; the results table just lacks this system
        if not isinstance(content, dict):
            continue
        # Counts that are not whole numbers in range stay empty (the system-description check
        # warns about them): int("-8") would fail the version on a database constraint.
        columns = system_columns(content, fallback_name=path.stem)
        rows.append(
            SystemDescription(
                version=version,
                name=path.stem,
                content=content,
                division=str(content.get("division", ""))[:20],
                availability=str(content.get("status", ""))[:100],
                system_name=str(content.get("system_name", ""))[:300],
                accelerator_model=str(content.get("accelerator_model_name", ""))[:200],
                accelerators=columns.accelerators,
                nodes=columns.number_of_nodes,
                framework=str(content.get("framework", ""))[:300],
            )
        )
    return rows


def report_finalize(*, version_id: int) -> None:
    """Assemble the package verdict from the benchmark checks and store findings and scores."""
    version = SubmissionVersion.objects.select_related("report", "submission__round").get(
        pk=version_id
    )
    if version.status != VersionStatus.VALIDATING:
        return
    report = version.report
    checks = list(report.benchmark_checks.all())
    if any(c.status in (CheckStatus.PENDING, CheckStatus.RUNNING) for c in checks):
        return
    org_dir = storage.tree_path(version.pk) / version.org_folder
    system_findings = checker.check_system_descriptions(org_dir, ruleset=report.ruleset)
    plan = checker.plan_package(org_dir)
    failed = [c for c in checks if c.status == CheckStatus.FAILED]
    package = checker.PackageReport(
        ruleset=report.ruleset,
        benchmarks=[
            checker.BenchmarkReport.from_dict(c.result)
            for c in checks
            if c.status == CheckStatus.DONE
        ],
        package_findings=system_findings + plan.findings,
    )
    with transaction.atomic():
        # Two finalize tasks may race here; the row lock lets only the first one store.
        version = SubmissionVersion.objects.select_for_update().get(pk=version_id)
        if version.status != VersionStatus.VALIDATING:
            return
        if failed:
            errors = "; ".join(f"{c.system}/{c.benchmark}: {c.error}" for c in failed)
            _transition(
                version,
                VersionStatus.FAILED,
                rejection=f"Validation could not run: {errors}"[:2000],
            )
            _forget_tree_on_commit(version.pk)
            return
        report_store(report, package)
        _transition(version, VersionStatus.VALID if package.ok else VersionStatus.INVALID)


def version_mark_failed(*, version_id: int, error: str) -> None:
    """Validation could not run (a crash, a time limit): say so instead of leaving it stuck."""
    with transaction.atomic():
        version = SubmissionVersion.objects.select_for_update().get(pk=version_id)
        if VersionStatus.FAILED in SubmissionVersion.TRANSITIONS[version.status]:
            _transition(
                version, VersionStatus.FAILED, rejection=f"Validation could not run: {error}"[:2000]
            )
            _forget_tree_on_commit(version.pk)


def _forget_tree_on_commit(version_id: int) -> None:
    # A version whose validation could not run keeps nothing unpacked: the archive is kept as
    # received, and validating it again unpacks it afresh.
    transaction.on_commit(lambda: storage.remove_tree(version_id))


def version_revalidate(*, actor: object, version_id: int) -> None:
    """Run a FAILED version again from the start (chairs, after fixing the cause)."""
    with transaction.atomic():
        version = SubmissionVersion.objects.select_for_update().get(pk=version_id)
        if version.status != VersionStatus.FAILED:
            raise InvalidTransition(
                "Only a version whose validation failed to run can be run again."
            )
        # What the failed attempt recorded is discarded; the archive itself is kept as received.
        ValidationReport.objects.filter(version=version).delete()
        version.files.all().delete()
        version.systems.all().delete()
        _transition(
            version,
            VersionStatus.RECEIVED,
            rejection="",
            unpack_attempts=0,
            claimed_by="",
            heartbeat_at=timezone.now(),
        )
        audit_record(actor=actor, action="submission.revalidate", obj=version)
        transaction.on_commit(lambda: enqueue_processing(version.pk))


__all__ = ["enqueue_processing"]  # intake and the importer queue through this module
