"""From a stored archive to a validation report: unpack, plan, check per benchmark, finalize.

Each step claims its work with a conditional update, so a task that runs twice (a redelivered
message, the reaper re-queueing) does nothing the second time. Slow work (unpacking, checking)
runs outside transactions; the database holds every step's state, so a crashed worker loses
nothing: ``stalled_work_requeue`` finds what stopped and queues it again.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit_record
from core.dispatch import enqueue
from core.errors import InvalidTransition
from submissions import checker, paths, storage
from submissions.intake_checks import IntakeRefusal, find_org_folder, refuse_foreign_package
from submissions.models import (
    BenchmarkCheck,
    LogCheckCache,
    SubmissionFile,
    SubmissionVersion,
    SystemDescription,
    ValidationReport,
)
from submissions.models.intake import VersionStatus
from submissions.models.validation import CheckStatus
from submissions.results_columns import system_columns
from submissions.services.reporting import report_store
from submissions.unpack import UnpackedFile, UnpackError, UnpackLimits, unpack_archive

MAX_CHECK_ATTEMPTS = 3
STALLED_AFTER = timedelta(minutes=10)


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
            after={"status": to, **fields},
        )
        version.status = to
    return bool(moved)


def version_process(*, version_id: int) -> None:
    """Unpack a received version, refuse foreign packages, and queue one check per benchmark."""
    version = SubmissionVersion.objects.select_related(
        "submission__round", "submission__organization"
    ).get(pk=version_id)
    if version.status != VersionStatus.RECEIVED:
        return
    with transaction.atomic():
        if not _transition(version, VersionStatus.UNPACKING):
            return
    dest = storage.prepare_tree(version.pk)  # a previous attempt may have died half-way
    try:
        files = unpack_archive(storage.archive_path(version.sha256), dest, limits=_limits())
        org_folder = find_org_folder(storage.tree_path(version.pk))
        refuse_foreign_package(org_folder, version.submission, tree=storage.tree_path(version.pk))
    except (UnpackError, IntakeRefusal) as exc:
        storage.remove_tree(version.pk)
        with transaction.atomic():
            _transition(version, VersionStatus.REJECTED, rejection=str(exc))
        return
    _start_validation(version, files, org_folder)


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
            version=version, ruleset=version.submission.round.ruleset, started_at=timezone.now()
        )
        BenchmarkCheck.objects.bulk_create(
            BenchmarkCheck(report=report, system=system, benchmark=benchmark)
            for system, benchmark in plan.units
        )
        _transition(version, VersionStatus.VALIDATING, org_folder=relative_org)
        ids = list(BenchmarkCheck.objects.filter(report=report).values_list("pk", flat=True))
        transaction.on_commit(
            lambda: _enqueue_checks(ids) if ids else _enqueue_finalize(version.pk)
        )


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


def _move_check(check_id: int, current: str, to: str, **fields: object) -> bool:
    """Move a check from ``current`` to ``to`` through its lifecycle table, if nobody moved it
    first (a conditional update: two workers never both claim or finish one check)."""
    if to not in BenchmarkCheck.TRANSITIONS[current]:
        raise InvalidTransition(f"benchmark check {check_id}: cannot go from {current} to {to}")
    return bool(
        BenchmarkCheck.objects.filter(pk=check_id, status=current).update(status=to, **fields)
    )


def benchmark_check_run(*, check_id: int) -> None:
    """Check one results/<system>/<benchmark> folder, reusing cached results of unchanged logs."""
    if not _move_check(
        check_id,
        CheckStatus.PENDING,
        CheckStatus.RUNNING,
        claimed_at=timezone.now(),
        attempts=F("attempts") + 1,
    ):
        return
    check = BenchmarkCheck.objects.select_related("report__version").get(pk=check_id)
    report, version = check.report, check.report.version
    org_dir = storage.tree_path(version.pk) / version.org_folder
    folder = paths.result_folder(check.system, check.benchmark, org_folder=version.org_folder) + "/"
    shas = list(version.files.filter(path__startswith=folder).values_list("sha256", flat=True))
    cache = {
        row.sha256: checker.LogResult.from_dict(row.result)
        for row in LogCheckCache.objects.filter(
            ruleset=report.ruleset, engine=checker.ENGINE, sha256__in=shas
        )
    }
    result = checker.check_benchmark(
        org_dir, system=check.system, benchmark=check.benchmark, ruleset=report.ruleset, cache=cache
    )
    with transaction.atomic():
        LogCheckCache.objects.bulk_create(
            [
                LogCheckCache(
                    ruleset=report.ruleset,
                    engine=checker.ENGINE,
                    sha256=entry.sha256,
                    result=entry.to_dict(),
                )
                for entry in result.logs
                if entry.sha256 not in cache
            ],
            ignore_conflicts=True,
        )
        _move_check(
            check.pk,
            CheckStatus.RUNNING,
            CheckStatus.DONE,
            ok=result.ok,
            result=result.to_dict(),
            finished_at=timezone.now(),
        )
        transaction.on_commit(lambda: _finalize_if_complete(report.pk, version.pk))


def benchmark_check_mark_failed(*, check_id: int, error: str) -> None:
    """A check that raised or timed out: retry it, or give up after a few attempts."""
    with transaction.atomic():
        check = BenchmarkCheck.objects.select_for_update().select_related("report").get(pk=check_id)
        if check.status != CheckStatus.RUNNING:
            return
        if check.attempts < MAX_CHECK_ATTEMPTS:
            _move_check(check_id, CheckStatus.RUNNING, CheckStatus.PENDING)
            transaction.on_commit(lambda: _enqueue_checks([check_id]))
            return
        _move_check(
            check_id,
            CheckStatus.RUNNING,
            CheckStatus.FAILED,
            error=error[:2000],
            finished_at=timezone.now(),
        )
        report_id, version_id = check.report_id, check.report.version_id
        transaction.on_commit(lambda: _finalize_if_complete(report_id, version_id))


def checks_requeue(*, check_ids: list[int]) -> None:
    """Queue checks again that a batch could not reach (it ran out of time)."""
    if check_ids:
        _enqueue_checks(check_ids)


def _finalize_if_complete(report_id: int, version_id: int) -> None:
    # Two checks finishing together may both see "complete"; finalize is idempotent.
    busy = BenchmarkCheck.objects.filter(
        report_id=report_id, status__in=[CheckStatus.PENDING, CheckStatus.RUNNING]
    )
    if not busy.exists():
        _enqueue_finalize(version_id)


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
        _transition(version, VersionStatus.RECEIVED, rejection="")
        audit_record(actor=actor, action="submission.revalidate", obj=version)
        transaction.on_commit(lambda: enqueue_processing(version.pk))


def stalled_work_requeue(*, now=None) -> dict[str, int]:
    """The reaper: queue again what a lost message or a killed worker left behind."""
    now = now or timezone.now()
    cutoff = now - STALLED_AFTER
    counts = {"received": 0, "unpacking": 0, "checks": 0, "finalize": 0}
    for vid in SubmissionVersion.objects.filter(
        status=VersionStatus.RECEIVED, status_changed_at__lt=cutoff
    ).values_list("pk", flat=True):
        enqueue_processing(vid)
        counts["received"] += 1
    for vid in SubmissionVersion.objects.filter(
        status=VersionStatus.UNPACKING, status_changed_at__lt=cutoff
    ).values_list("pk", flat=True):
        version_mark_failed(
            version_id=vid, error="unpacking stopped (the worker died or timed out)"
        )
        counts["unpacking"] += 1
    for check_id in BenchmarkCheck.objects.filter(
        status=CheckStatus.RUNNING, claimed_at__lt=cutoff
    ).values_list("pk", flat=True):
        benchmark_check_mark_failed(
            check_id=check_id, error="the check stopped (the worker died or timed out)"
        )
        counts["checks"] += 1
    pending = BenchmarkCheck.objects.filter(
        status=CheckStatus.PENDING,
        report__version__status=VersionStatus.VALIDATING,
        report__version__status_changed_at__lt=cutoff,
    ).values_list("pk", flat=True)
    if pending:
        _enqueue_checks(list(pending))
        counts["checks"] += len(pending)
    for vid in (
        SubmissionVersion.objects.filter(
            status=VersionStatus.VALIDATING, status_changed_at__lt=cutoff
        )
        .exclude(report__benchmark_checks__status__in=[CheckStatus.PENDING, CheckStatus.RUNNING])
        .values_list("pk", flat=True)
    ):
        _enqueue_finalize(vid)
        counts["finalize"] += 1
    return counts


# Tasks are sent by name: services never import the task modules.
def enqueue_processing(version_id: int) -> None:
    enqueue("submissions.process_version", version_id, queue="validate")


def _enqueue_checks(check_ids: list[int]) -> None:
    # Folders go out in a few batches rather than one message each: a round trip through the
    # broker costs more than checking a folder whose logs are unchanged, and a handful of
    # batches still keeps every worker process busy.
    batches = max(1, settings.VALIDATION_BATCHES)
    size = -(-len(check_ids) // batches)
    for start in range(0, len(check_ids), size):
        enqueue("submissions.check_benchmarks", check_ids[start : start + size], queue="validate")


def _enqueue_finalize(version_id: int) -> None:
    enqueue("submissions.finalize_report", version_id, queue="validate")
