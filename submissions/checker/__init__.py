"""Validation of MLPerf Training submission packages, with the official checkers' verdicts.

Pure Python, no Django. Verdicts are those of the pinned ``mlperf-logging`` package checker,
compliance checker, seed checker, RCP checker and system description checker, which we drive as
a library; scores are those of its result summarizer. It is faster because each rule file is
parsed once per process, each log is read once, and per-log results can be reused by content
hash. Nothing is written into the folders being checked, and only the rule and RCP files of the
installed package are ever loaded.

The names below are loaded on first use: importing the apps (every ``manage.py`` command, the
web server) must not pay for the official checkers, NumPy and SciPy; only the processes that
check packages do.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from submissions.checker.benchmark_check import check_benchmark
    from submissions.checker.engine import ENGINE, OFFICIAL_VERSION
    from submissions.checker.log_check import check_log
    from submissions.checker.official import SUPPORTED_RULESETS
    from submissions.checker.package_check import PackagePlan, check_package, plan_package
    from submissions.checker.reports import BenchmarkReport, Finding, LogResult, PackageReport
    from submissions.checker.system_desc import check_system_descriptions

_HOME = {
    "check_benchmark": "benchmark_check",
    "check_log": "log_check",
    "ENGINE": "engine",
    "OFFICIAL_VERSION": "engine",
    "SUPPORTED_RULESETS": "official",
    "PackagePlan": "package_check",
    "check_package": "package_check",
    "plan_package": "package_check",
    "BenchmarkReport": "reports",
    "Finding": "reports",
    "LogResult": "reports",
    "PackageReport": "reports",
    "check_system_descriptions": "system_desc",
}

__all__ = [
    "ENGINE",
    "OFFICIAL_VERSION",
    "SUPPORTED_RULESETS",
    "BenchmarkReport",
    "Finding",
    "LogResult",
    "PackagePlan",
    "PackageReport",
    "check_benchmark",
    "check_log",
    "check_package",
    "check_system_descriptions",
    "plan_package",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


class _Deferred(types.ModuleType):
    """Stands in for a module in ``sys.modules`` until one of its attributes is used, then
    imports the real module in its place (a plain ``import`` of it stays free)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            # Module scans (inspect.getmodule asks every module for __file__) load nothing.
            raise AttributeError(name)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        parent, _, child = self.__name__.rpartition(".")
        if parent in sys.modules:
            sys.modules[parent].__dict__.pop(child, None)
        return getattr(importlib.import_module(self.__name__), name)


# The official RCP checker imports scipy.stats (half a second, more than checking a whole
# package) for the one t-test that checker/ttest.py computes identically; a process that uses
# scipy.stats itself still gets the real module on first use.
if "scipy.stats" not in sys.modules:
    sys.modules["scipy.stats"] = _Deferred("scipy.stats")


def preload() -> None:
    """Import the checkers now (a worker does it once before forking its pool)."""
    for name in __all__:
        __getattr__(name)
