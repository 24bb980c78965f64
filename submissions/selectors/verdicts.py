"""A version's verdict in words, and its findings grouped by cause.

The package verdict is the official package checker's: only package-level findings decide it.
A log finding in a run that olympic scoring drops does not make the package invalid, so the
page must not show "Valid" next to "1 error" without saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from submissions.models import Finding, SubmissionVersion
from submissions.models.intake import VersionStatus

DECIDES = "decides"  # an error that makes the package invalid
IN_RUN = "in_run"  # a problem in one run's log (counted through the olympic rule)
NOTE = "note"  # a warning


@dataclass
class FindingGroup:
    kind: str
    severity: str
    check: str
    message: str
    rule: str
    places: list[tuple[str, int | None]] = field(default_factory=list)
    detail: str = ""
    dropped: bool = False  # every place is a run that olympic scoring drops


@dataclass(frozen=True)
class Verdict:
    ok: bool | None
    sentence: str
    deciding: int
    notes: int


def _count(n: int, one: str, many: str | None = None) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    return f"{words.get(n, n)} {one if n == 1 else (many or one + 's')}"


def _package(version: SubmissionVersion) -> dict[str, Any]:
    report = getattr(version, "report", None)
    return (report.package_json or {}) if report is not None else {}


def dropped_runs(package: dict[str, Any]) -> list[str]:
    """Runs that do not comply in a benchmark the olympic rule still accepts."""
    if not package.get("ok"):
        return []
    return sorted(r["path"] for r in package.get("results", []) if not r.get("compliant"))


def version_verdict(version: SubmissionVersion) -> Verdict | None:
    """The verdict first, in words: "Valid — one run that did not converge or comply is
    dropped under olympic scoring", "Not valid — two problems to fix", …"""
    if version.status == VersionStatus.REJECTED:
        return Verdict(False, "Refused at intake: " + version.rejection, 0, 0)
    if version.status == VersionStatus.FAILED:
        return Verdict(None, "The validation could not run; the operators were told.", 0, 0)
    package = _package(version)
    if version.status not in (VersionStatus.VALID, VersionStatus.INVALID) or not package:
        return None
    deciding = [f for f in package.get("package_findings", []) if f["severity"] == "error"]
    warnings = [f for f in package.get("package_findings", []) if f["severity"] == "warning"]
    dropped = dropped_runs(package)
    if package.get("ok"):
        parts = []
        if dropped:
            parts.append(
                f"{_count(len(dropped), 'run')} that did not converge or comply "
                f"{'is' if len(dropped) == 1 else 'are'} dropped under olympic scoring"
            )
        others = len(warnings) - len({p.rsplit("/", 1)[0] for p in dropped})
        if others > 0:
            parts.append(f"{_count(others, 'warning')} to read")
        sentence = "Valid" + (" — " + "; ".join(parts) if parts else ": every check passed")
        return Verdict(True, sentence + ".", 0, len(warnings))
    sentence = f"Not valid — {_count(len(deciding), 'problem')} to fix"
    if deciding:
        first = deciding[0]
        sentence += f", first: {first['message']}"
    return Verdict(False, sentence.rstrip(".") + ".", len(deciding), len(warnings))


def version_finding_groups(version: SubmissionVersion) -> list[FindingGroup]:
    """Findings grouped by cause (the same check, rule and message), deciding errors first,
    then problems in runs, then warnings; each group lists where it was found."""
    report = getattr(version, "report", None)
    if report is None:
        return []
    package = _package(version)
    deciding = {
        (f["path"], f["message"])
        for f in package.get("package_findings", [])
        if f["severity"] == "error"
    }
    dropped = set(dropped_runs(package))
    groups: dict[tuple[str, str, str, str], FindingGroup] = {}
    for finding in Finding.objects.filter(report=report).order_by("path", "line", "id")[:2000]:
        kind = _kind(finding, deciding)
        key = (kind, finding.check_name, finding.rule, finding.message)
        group = groups.get(key)
        if group is None:
            group = groups[key] = FindingGroup(
                kind=kind,
                severity=finding.severity,
                check=finding.check_name,
                message=finding.message,
                rule=finding.rule,
                detail=finding.detail,
                dropped=True,
            )
        group.places.append((finding.path, finding.line))
        group.dropped = group.dropped and finding.path in dropped
    order = {DECIDES: 0, IN_RUN: 1, NOTE: 2}
    return sorted(groups.values(), key=lambda g: (order[g.kind], g.places[0]))


def _kind(finding: Finding, deciding: set[tuple[str, str]]) -> str:
    if finding.severity != "error":
        return NOTE
    return DECIDES if (finding.path, finding.message) in deciding else IN_RUN
