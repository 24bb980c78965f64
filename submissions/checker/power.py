"""Power results (``<benchmark>/power/``): the official power checker, with its warnings kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlperf_logging.package_checker.power_checker import PowerChecker

from submissions.checker.official import RecordingLogging, with_globals


@dataclass(frozen=True)
class PowerOutcome:
    failed_runs: set[str] = field(default_factory=set)
    """Result names (``result_3``) the package checker counts as non-compliant."""
    warnings: list[str] = field(default_factory=list)
    crash: str | None = None


def check_power(power_folder: str, result_files: list[str], ruleset: str) -> PowerOutcome:
    """``PowerChecker.check_power`` as the package checker calls it (sorted result files)."""
    recorder = RecordingLogging()
    check = with_globals(PowerChecker.check_power, logging=recorder)
    try:
        _, failed = check(PowerChecker(ruleset), power_folder, result_files)
    except Exception as exc:
        return PowerOutcome(crash=f"{type(exc).__name__}: {exc}")
    return PowerOutcome(
        failed_runs={str(name) for name in failed},
        warnings=[text for _level, text in recorder.records],
    )
