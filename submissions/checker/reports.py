"""What the checker hands to the rest of the service: findings, and log/benchmark/package reports.

All of them round-trip through plain JSON (``to_dict``/``from_dict``) so that a log's result can
be cached in a database column and a benchmark's report can travel through a task queue. Values
that the official tools read from the log itself (seed records, the RCP reading) are kept exactly
as the official code produced them, as JSON text, because they may hold anything a hostile log
contains (NaN, nested objects) and later official steps compare them by equality.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from submissions.checker.engine import ENGINE

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    check: str
    """compliance, log-parse, run-count, seeds, rcp, system-description, layout, power, scoring."""
    severity: str
    """"error" or "warning"."""
    path: str
    """Relative to the organisation folder; "" for the whole package."""
    line: int | None
    """Real 1-based line number in ``path``."""
    message: str
    rule: str
    detail: str = ""
    """The official checker's raw message, when it helps."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


def _float_out(value: float | None) -> float | str | None:
    # Strict JSON (and PostgreSQL jsonb) has no NaN or infinity.
    if value is None or math.isfinite(value):
        return value
    return repr(value)


def _float_in(value: float | str | None) -> float | None:
    return None if value is None else float(value)


def _raw_out(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _raw_in(value: str | None) -> Any:
    return None if value is None else json.loads(value)


@dataclass
class LogResult:
    """Everything the package checks and the scoring need from one result log."""

    path: str
    sha256: str
    ruleset: str
    compliant: bool
    """Exactly the official compliance checker's verdict, with the package checker's config."""
    findings: list[Finding] = field(default_factory=list)
    compliance_crash: str | None = None
    """The exception with which the official checker stops on this log (the package checker
    then stops with a traceback)."""
    benchmark: str | None = None
    division: str | None = None
    org: str | None = None
    platform: str | None = None
    seeds: list[tuple[Any, Any, int]] | None = None
    seeds_error: str | None = None
    seed_lines: list[int] = field(default_factory=list)
    rcp: tuple[Any, Any, Any, Any] | None = None
    """(not_converged, samples_to_converge, global_batch_size, benchmark), as read officially."""
    rcp_error: str | None = None
    run_start_ms: float | None = None
    run_stop_ms: float | None = None
    status: str | None = None
    time_to_train_minutes: float | None = None
    """The run time the result summarizer counts; None when it drops the run (non-compliant)."""
    engine: str = ENGINE

    @property
    def converged(self) -> bool:
        return self.rcp is not None and self.rcp[0] == 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["findings"] = [finding.to_dict() for finding in self.findings]
        data["seeds"] = _raw_out(self.seeds)
        data["rcp"] = _raw_out(self.rcp)
        for name in ("run_start_ms", "run_stop_ms", "time_to_train_minutes"):
            data[name] = _float_out(getattr(self, name))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogResult:
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        values["findings"] = [Finding.from_dict(item) for item in data.get("findings", [])]
        seeds = _raw_in(data.get("seeds"))
        values["seeds"] = None if seeds is None else [tuple(record) for record in seeds]
        rcp = _raw_in(data.get("rcp"))
        values["rcp"] = None if rcp is None else tuple(rcp)
        values["seed_lines"] = list(data.get("seed_lines", []))
        for name in ("run_start_ms", "run_stop_ms", "time_to_train_minutes"):
            values[name] = _float_in(data.get(name))
        return cls(**values)


@dataclass
class BenchmarkReport:
    """One ``results/<system>/<benchmark>`` folder as the package checker and summarizer see it."""

    system: str
    benchmark: str
    path: str
    division: str = ""
    """The system description's "division" value ("" when unreadable)."""
    skipped: bool = False
    """Not a benchmark of this ruleset: the package checker skips it with a warning."""
    summarized: bool = True
    """False when the result summarizer leaves the system out of the tables (no score)."""
    logs: list[LogResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    crashed: bool = False
    """The official package checker stops with a traceback on this folder."""
    rcp_message: str = ""
    scaling_factor: float = 1.0
    """The factor in scaling.json after the official package checker ran (1.0 when absent)."""
    score_minutes: float | None = None
    reused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(finding.severity == ERROR for finding in self.findings)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["logs"] = [log.to_dict() for log in self.logs]
        data["findings"] = [finding.to_dict() for finding in self.findings]
        data["scaling_factor"] = _float_out(self.scaling_factor)
        data["score_minutes"] = _float_out(self.score_minutes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchmarkReport:
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        values["logs"] = [LogResult.from_dict(item) for item in data.get("logs", [])]
        values["findings"] = [Finding.from_dict(item) for item in data.get("findings", [])]
        values["scaling_factor"] = _float_in(data.get("scaling_factor", 1.0))
        values["score_minutes"] = _float_in(data.get("score_minutes"))
        return cls(**values)


@dataclass
class PackageReport:
    ruleset: str
    benchmarks: list[BenchmarkReport] = field(default_factory=list)
    package_findings: list[Finding] = field(default_factory=list)
    """System descriptions and package layout; benchmark-level findings are in ``benchmarks``."""

    @property
    def ok(self) -> bool:
        """Exactly the official package checker's verdict (a traceback counts as not ok)."""
        return not any(finding.severity == ERROR for finding in self.all_package_findings)

    @property
    def all_package_findings(self) -> list[Finding]:
        # A system-level problem (its params file) is reported by each of its benchmarks.
        found = dict.fromkeys(self.package_findings)
        for report in self.benchmarks:
            found.update(dict.fromkeys(report.findings))
        return list(found)

    @property
    def logs(self) -> list[LogResult]:
        return [log for report in self.benchmarks for log in report.logs]

    @property
    def reused(self) -> list[str]:
        return [path for report in self.benchmarks for path in report.reused]

    def log_cache(self) -> dict[str, LogResult]:
        """The per-log results keyed by content hash, to pass as ``cache`` next time."""
        return {log.sha256: log for log in self.logs}

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "ruleset": self.ruleset,
            "results": [
                {
                    "path": log.path,
                    "compliant": log.compliant,
                    "findings": [finding.to_dict() for finding in log.findings],
                }
                for log in self.logs
            ],
            "package_findings": [finding.to_dict() for finding in self.all_package_findings],
            "scores": [
                {
                    "division": report.division,
                    "system": report.system,
                    "benchmark": report.benchmark,
                    "score_minutes": _float_out(report.score_minutes),
                }
                for report in self.benchmarks
                if not report.skipped and report.summarized
            ],
            "reused": self.reused,
        }
