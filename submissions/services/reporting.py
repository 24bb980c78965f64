"""Storing a package verdict: findings, scores and the validate_package JSON of a version."""

from __future__ import annotations

from django.utils import timezone

from submissions import checker
from submissions.models import Finding, Score, ValidationReport


def _finding_row(report: ValidationReport, f: checker.Finding) -> Finding:
    return Finding(
        report=report,
        check_name=f.check[:50],
        severity=f.severity,
        path=f.path[:1024],
        line=f.line,
        message=f.message,
        rule=f.rule[:300],
        detail=f.detail,
    )


def report_store(report: ValidationReport, package: checker.PackageReport) -> None:
    """Write the verdict into the report (the caller holds the transaction)."""
    findings = [_finding_row(report, f) for f in package.package_findings]
    for bench in package.benchmarks:
        findings += [_finding_row(report, f) for f in bench.findings]
        for log in bench.logs:
            findings += [_finding_row(report, f) for f in log.findings]
    Finding.objects.bulk_create(findings)
    Score.objects.bulk_create(
        Score(
            version=report.version,
            system=b.system,
            benchmark=b.benchmark,
            division=b.division,
            score_minutes=b.score_minutes,
            scaling_factor=b.scaling_factor,
            run_minutes=[log.time_to_train_minutes for log in b.logs],
        )
        for b in package.benchmarks
        if not b.skipped and b.summarized
    )
    logs = package.logs
    report.ok = package.ok
    report.logs_checked = len(logs)
    report.logs_reused = len(package.reused)
    report.package_json = {**package.to_json(), "reused": package.reused}
    report.finished_at = timezone.now()
    report.save(update_fields=["ok", "logs_checked", "logs_reused", "package_json", "finished_at"])
