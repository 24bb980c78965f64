"""Validation of MLPerf Training submission packages, with the official checkers' verdicts.

Pure Python, no Django. Verdicts are those of the pinned ``mlperf-logging`` package checker,
compliance checker, seed checker, RCP checker and system description checker, which we drive as
a library; scores are those of its result summarizer. It is faster because each rule file is
parsed once per process, each log is read once, and per-log results can be reused by content
hash. Nothing is written into the folders being checked, and only the rule and RCP files of the
installed package are ever loaded — or, for the service's own reference benchmarks, the rule
files of a ruleset shipped inside the project's code (``packaged_rules``).
"""

from submissions.checker.benchmark_check import check_benchmark
from submissions.checker.log_check import check_log
from submissions.checker.official import ENGINE, OFFICIAL_VERSION, SUPPORTED_RULESETS
from submissions.checker.package_check import PackagePlan, check_package, plan_package
from submissions.checker.packaged_rules import PackagedRules, packaged_rules
from submissions.checker.reports import (
    BenchmarkReport,
    Finding,
    LogResult,
    PackageReport,
)
from submissions.checker.system_desc import check_system_descriptions

__all__ = [
    "ENGINE",
    "OFFICIAL_VERSION",
    "SUPPORTED_RULESETS",
    "BenchmarkReport",
    "Finding",
    "LogResult",
    "PackagePlan",
    "PackageReport",
    "PackagedRules",
    "check_benchmark",
    "check_log",
    "check_package",
    "check_system_descriptions",
    "packaged_rules",
    "plan_package",
]
