"""One ``results/<system>/<benchmark>`` folder, as ``check_training_result_files`` checks it.

The folder walk is inline in the official package checker, so its order of checks and its
verdict rules are reproduced here; every rule itself runs through official code (compliance,
seeds, RCP, power). The official checker stops the whole package with a traceback at several
points (missing system description, unreadable params file, a log that makes a checker raise);
those become error findings with ``crashed`` set.
"""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from submissions import paths
from submissions.checker.benchmark_findings import (
    count_finding,
    crash_finding,
    extra_files_finding,
    is_crash,
    olympic_finding,
    params_findings,
    power_findings,
    rcp_findings,
    scaling_finding,
    seed_findings,
)
from submissions.checker.log_check import check_log
from submissions.checker.official import (
    ENGINE,
    allowed_benchmarks,
    expected_run_count,
    require_ruleset,
)
from submissions.checker.power import check_power
from submissions.checker.rcp import RcpOutcome, evaluate_rcp
from submissions.checker.reports import ERROR, WARNING, BenchmarkReport, Finding, LogResult
from submissions.checker.scoring import benchmark_score, read_scaling_file
from submissions.checker.seeds import check_seeds
from submissions.checker.system_desc import read_division, summarizer_drops

PARAMS_FILE = "package_checker_params"


@dataclasses.dataclass(frozen=True)
class Bypass:
    rcp: bool = False
    seeds: bool = False
    crash: str | None = None
    near_misses: tuple[str, ...] = ()


def read_bypass(params_path: str) -> Bypass:
    """A ``package_checker_params`` file read exactly as the official checker reads it.

    It compares whole ``readlines()`` lines, newline included, so only a last line without a
    newline can match; we report the lines that look like a bypass but do not count.
    """
    if not os.path.exists(params_path):
        return Bypass()
    try:
        with open(params_path) as f:
            lines = f.readlines()
    except Exception as exc:
        return Bypass(crash=f"{type(exc).__name__}: {exc}")
    near = tuple(
        line.strip()
        for line in lines
        if line.strip() in {"rcp-bypass", "seed-checker-bypass"}
        and line != line.strip()
        and line.strip() not in lines
    )
    return Bypass("rcp-bypass" in lines, "seed-checker-bypass" in lines, None, near)


def check_benchmark(
    org_dir: Path,
    *,
    system: str,
    benchmark: str,
    ruleset: str,
    cache: Mapping[str, LogResult] | None = None,
    rcp_bypass: bool = False,
    seed_checker_bypass: bool = False,
) -> BenchmarkReport:
    """Check one benchmark folder: its logs, run count, olympic acceptance, seeds, RCP, score.

    ``cache`` maps content sha256 to an earlier LogResult (``PackageReport.log_cache()``); a log
    with the same content, ruleset and checker version is reused instead of re-checked.
    ``rcp_bypass``/``seed_checker_bypass`` are the official command-line flags.
    """
    require_ruleset(ruleset)
    system_folder = os.path.join(os.path.join(os.fspath(org_dir), "results"), system)
    folder = _Folder(
        path=os.path.join(system_folder, benchmark), relpath=paths.result_folder(system, benchmark)
    )
    report = BenchmarkReport(system=system, benchmark=benchmark, path=folder.relpath)

    system_bypass = read_bypass(os.path.join(system_folder, PARAMS_FILE))
    report.findings += params_findings(
        system_bypass, f"{paths.system_results_folder(system)}/{PARAMS_FILE}"
    )
    division = read_division(org_dir, system)
    report.division = division.division
    if division.crash is not None:
        report.findings.append(
            crash_finding("system-description", f"systems/{system}.json", division.crash)
        )
    if benchmark not in allowed_benchmarks(ruleset):
        report.skipped = True
        report.findings.append(
            Finding("layout", WARNING, folder.relpath, None,
                    f"'{benchmark}' is not a {ruleset} benchmark; the package checker skips "
                    "this folder.", "package_checker: allowed benchmarks")
        )  # fmt: skip
        return _finish(report)

    result_files = glob.glob(f"{folder.path}/result_*.txt", recursive=True)
    bench_bypass = read_bypass(os.path.join(folder.path, PARAMS_FILE))
    report.findings += params_findings(bench_bypass, f"{folder.relpath}/{PARAMS_FILE}")
    _check_layout(report, folder, result_files)
    logs = _read_logs(org_dir, folder, result_files, ruleset, cache, report)
    _check_runs(report, folder.path, sorted(result_files), logs, ruleset)

    # After a crash the official checker stops; we go on to report what else is wrong.
    rcp = None
    if division.closed:
        bypass_seeds = seed_checker_bypass or system_bypass.seeds or bench_bypass.seeds
        _check_seeds(report, folder, logs, ruleset, bypass_seeds)
        if benchmark != "minigo":
            bypass_rcp = rcp_bypass or system_bypass.rcp or bench_bypass.rcp
            # In glob order, as check_directory reads them: its consistency checks depend on it.
            readings = [
                (logs[p].path, logs[p].rcp, logs[p].rcp_error) for p in result_files if p in logs
            ]
            rcp = evaluate_rcp(folder.path, readings, ruleset, rcp_bypass=bypass_rcp)
            report.rcp_message = rcp.message
            report.findings += rcp_findings(rcp, folder.relpath)
    _score(report, folder, rcp, org_dir)
    return _finish(report)


@dataclasses.dataclass(frozen=True)
class _Folder:
    path: str
    """Built like the official checker builds it (its globs see the same names)."""
    relpath: str


def _check_layout(report: BenchmarkReport, folder: _Folder, result_files: list[str]) -> None:
    """The run count, and the official warning about files that are not result_*.txt."""
    all_files = glob.glob(f"{folder.path}/*", recursive=True)
    params_path = os.path.join(folder.path, PARAMS_FILE)
    params_count = 1 if os.path.exists(params_path) else 0
    expected = expected_run_count(report.benchmark)
    if len(result_files) != expected:
        report.findings.append(
            count_finding(folder.relpath, report.benchmark, len(result_files), expected)
        )
    if len(all_files) > len(result_files) + params_count or len(result_files) < len(all_files):
        # scaling.json and power/ belong here, although the official warning names them too.
        expected_extras = {
            params_path,
            *(os.path.join(folder.path, name) for name in ("scaling.json", "power")),
        }
        others = sorted(set(all_files) - set(result_files) - expected_extras)
        report.findings += extra_files_finding(
            folder.relpath, [os.path.basename(path) for path in others]
        )


def _read_logs(
    org_dir: Path,
    folder: _Folder,
    result_files: list[str],
    ruleset: str,
    cache: Mapping[str, LogResult] | None,
    report: BenchmarkReport,
) -> dict[str, LogResult]:
    logs = {}
    for path in sorted(result_files):
        relpath = f"{folder.relpath}/{os.path.basename(path)}"
        log = _checked_log(org_dir, path, relpath, ruleset, cache, report)
        if log is not None:
            logs[path] = log
    report.logs = list(logs.values())
    return logs


def _check_seeds(
    report: BenchmarkReport,
    folder: _Folder,
    logs: dict[str, LogResult],
    ruleset: str,
    bypass: bool,
) -> None:
    stored = [(logs[p].path, logs[p].seeds, logs[p].seeds_error) for p in sorted(logs)]
    outcome = check_seeds(stored, ruleset, bypass=bypass)
    report.findings += seed_findings(outcome, report.logs, folder.relpath)


def _score(report: BenchmarkReport, folder: _Folder, rcp: RcpOutcome | None, org_dir: Path) -> None:
    """The scaling factor in scaling.json after the package checker ran, and the score.

    The summarizer reads scaling.json as it finds it; in the official workflow the package
    checker has just deleted it and written the RCP factor (when the RCP check got that far).
    """
    uploaded, error = read_scaling_file(folder.path)
    rewritten = rcp is not None and rcp.crash is None and rcp.scaling_reset
    report.scaling_factor = uploaded
    if rewritten and rcp is not None:
        report.scaling_factor = rcp.scaling_written if rcp.scaling_written is not None else 1.0
    present = os.path.isfile(os.path.join(folder.path, "scaling.json"))
    report.findings += scaling_finding(folder.relpath, present, uploaded, error, rcp)
    dropped = summarizer_drops(org_dir, report.system)
    if dropped is not None:
        # No row in the official tables, so no score here either (not one with no division).
        report.summarized = False
        return
    if error is None or rewritten:
        report.score_minutes = benchmark_score(report.logs, report.benchmark, report.scaling_factor)


def _check_runs(
    report: BenchmarkReport,
    benchmark_folder: str,
    result_files: list[str],
    logs_by_path: dict[str, LogResult],
    ruleset: str,
) -> None:
    """Compliance per run, power, and the olympic acceptance of at most one failing run."""
    error_set = {
        os.path.splitext(os.path.basename(path))[0]
        for path, log in logs_by_path.items()
        if not log.compliant
    }
    for log in logs_by_path.values():
        if log.compliance_crash is not None:
            report.findings.append(crash_finding("compliance", log.path, log.compliance_crash))
    power_folder = os.path.join(benchmark_folder, "power")
    if os.path.exists(power_folder):
        power = check_power(power_folder, result_files, ruleset)
        report.findings += power_findings(power, report.path)
        error_set |= power.failed_runs
    finding = olympic_finding(report.path, report.benchmark, sorted(error_set))
    if finding is not None:
        report.findings.append(finding)


def _checked_log(
    org_dir: Path,
    path: str,
    relpath: str,
    ruleset: str,
    cache: Mapping[str, LogResult] | None,
    report: BenchmarkReport,
) -> LogResult | None:
    """The LogResult for one result file, from the cache when its content is unchanged."""
    if os.path.isdir(path):
        report.findings.append(crash_finding("layout", relpath, "IsADirectoryError: a folder"))
        return None
    if not _inside(org_dir, path):
        # Deliberately stricter than the official checker, which would follow the link: the
        # findings quote log lines, and a link could point at any file of the server.
        report.findings.append(
            Finding("layout", ERROR, relpath, None,
                    "This result file links to outside the package; upload the file itself.",
                    "checker: links")
        )  # fmt: skip
        return None
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as exc:
        report.findings.append(crash_finding("layout", relpath, f"{type(exc).__name__}: {exc}"))
        return None
    digest = hashlib.sha256(data).hexdigest()
    cached = cache.get(digest) if cache is not None else None
    if (
        cached is not None
        and cached.sha256 == digest
        and cached.ruleset == ruleset
        and cached.engine == ENGINE
    ):
        report.reused.append(relpath)
        return dataclasses.replace(
            cached,
            path=relpath,
            findings=[dataclasses.replace(f, path=relpath) for f in cached.findings],
        )
    return check_log(data, ruleset=ruleset, relpath=relpath)


def _inside(org_dir: Path, path: str) -> bool:
    root = os.path.realpath(os.fspath(org_dir))
    return os.path.realpath(path).startswith(root + os.sep)


def _finish(report: BenchmarkReport) -> BenchmarkReport:
    report.crashed = any(is_crash(finding) for finding in report.findings)
    return report
