"""A whole organisation folder: system descriptions, then every results/<system>/<benchmark>.

The service may run the per-benchmark units itself (one task each) and assemble the report:
``plan = plan_package(org)``, ``check_benchmark(...)`` per ``plan.units``, then
``PackageReport(ruleset, benchmarks=reports, package_findings=systems + plan.findings)``.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path

from mlperf_logging.package_checker import package_checker

from submissions import paths
from submissions.checker.benchmark_check import check_benchmark
from submissions.checker.benchmark_findings import crash_finding
from submissions.checker.official import require_ruleset
from submissions.checker.reports import (
    WARNING,
    BenchmarkReport,
    Finding,
    LogResult,
    PackageReport,
)
from submissions.checker.system_desc import check_system_descriptions


@dataclass
class PackagePlan:
    units: list[tuple[str, str]] = field(default_factory=list)
    """(system, benchmark) folder names, in a stable order."""
    findings: list[Finding] = field(default_factory=list)


def plan_package(org_dir: Path) -> PackagePlan:
    """The benchmark folders the package checker visits (``_get_sub_folders`` twice)."""
    plan = PackagePlan()
    result_folder = os.path.join(os.fspath(org_dir), "results")
    try:
        system_folders = package_checker._get_sub_folders(result_folder)
    except Exception as exc:
        finding = crash_finding("layout", "results", f"{type(exc).__name__}: {exc}")
        plan.findings.append(
            Finding(finding.check, finding.severity, finding.path, None,
                    "The package has no results/ folder; put the logs in "
                    "results/<system>/<benchmark>/result_*.txt.", finding.rule, finding.detail)
        )  # fmt: skip
        return plan
    for system_folder in sorted(system_folders):
        system = os.path.basename(system_folder)
        try:
            benchmark_folders = package_checker._get_sub_folders(system_folder)
        except Exception as exc:
            plan.findings.append(
                crash_finding(
                    "layout", paths.system_results_folder(system), f"{type(exc).__name__}: {exc}"
                )
            )
            continue
        plan.units += [(system, os.path.basename(path)) for path in sorted(benchmark_folders)]
    return plan


def check_package(
    org_dir: Path,
    *,
    ruleset: str,
    cache: Mapping[str, LogResult] | None = None,
    workers: int = 1,
    rcp_bypass: bool = False,
    seed_checker_bypass: bool = False,
) -> PackageReport:
    """Check an organisation folder (the one holding systems/ and results/).

    ``report.ok`` is the official package checker's verdict. Nothing in ``org_dir`` is written.
    ``workers > 1`` checks benchmark folders in a process pool (the official compliance checker
    keeps module-global state, so threads would not be safe).
    """
    require_ruleset(ruleset)
    report = PackageReport(ruleset=ruleset)
    report.package_findings += check_system_descriptions(org_dir, ruleset=ruleset)
    plan = plan_package(org_dir)
    report.package_findings += plan.findings
    options = _Options(os.fspath(org_dir), ruleset, rcp_bypass, seed_checker_bypass)
    if not plan.units and not plan.findings:
        report.package_findings.append(
            Finding("layout", WARNING, "results", None,
                    "The package has no results/<system>/<benchmark> folders.",
                    "package_checker: results")
        )  # fmt: skip
    # A daemonic process (a Celery prefork worker) may not start children: check in-process.
    if workers <= 1 or len(plan.units) <= 1 or multiprocessing.current_process().daemon:
        report.benchmarks = [_check_unit(options, unit, cache) for unit in plan.units]
        return report
    with ProcessPoolExecutor(
        max_workers=min(workers, len(plan.units)),
        mp_context=_pool_context(),
        initializer=_init_worker,
        initargs=(dict(cache or {}),),
    ) as pool:
        futures = [pool.submit(_check_unit, options, unit) for unit in plan.units]
        report.benchmarks = [future.result() for future in futures]
    return report


@dataclass(frozen=True)
class _Options:
    org_dir: str
    ruleset: str
    rcp_bypass: bool
    seed_checker_bypass: bool


_worker_cache: dict[str, LogResult] = {}


def _init_worker(cache: dict[str, LogResult]) -> None:
    # The cache goes to each worker once rather than with every task.
    global _worker_cache
    _worker_cache = cache


def _check_unit(
    options: _Options, unit: tuple[str, str], cache: Mapping[str, LogResult] | None = None
) -> BenchmarkReport:
    system, benchmark = unit
    return check_benchmark(
        Path(options.org_dir),
        system=system,
        benchmark=benchmark,
        ruleset=options.ruleset,
        cache=_worker_cache if cache is None else cache,
        rcp_bypass=options.rcp_bypass,
        seed_checker_bypass=options.seed_checker_bypass,
    )


def _pool_context() -> BaseContext:
    # fork starts workers without re-importing numpy/scipy/mlperf-logging, but forking a
    # process that runs other threads can deadlock the child; then pay for spawn.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")
