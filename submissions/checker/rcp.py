"""Reference convergence points: the official reader and decision, fed from memory.

``rcp_checker.check_directory`` globs the folder, re-reads every log, and deletes and rewrites
``scaling.json`` in the folder it checks. We run the official ``read_submission_file`` once per
log on the lines we already read, and the official ``get_submission_epochs`` and
``check_directory`` on those stored readings, with a checker subclass that records the
scaling factor instead of writing it.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from mlperf_logging.rcp_checker import rcp_checker

from submissions.checker.compliance import describe_exception
from submissions.checker.mllog_text import FAST_RE, MllogText
from submissions.checker.official import OFFICIAL_VERSION, USAGE, SilentLogging, with_globals
from submissions.checker.ttest import SCIPY

RcpReading = tuple[Any, Any, Any, Any]
"""(not_converged, samples_to_converge, global_batch_size, benchmark), as read officially."""


class _InMemoryLog:
    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    def __enter__(self) -> _InMemoryLog:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def readlines(self) -> list[str]:
        return list(self._lines)


def _open_in_memory(file: object, *_args: Any, **_kwargs: Any) -> _InMemoryLog:
    if not isinstance(file, _InMemoryLog):
        raise TypeError("the RCP reader may only read logs already in memory")
    return file


_read_submission_file = with_globals(
    rcp_checker.read_submission_file,
    open=_open_in_memory,
    re=FAST_RE,
    logging=SilentLogging,
)


def read_convergence(text: MllogText, ruleset: str) -> tuple[RcpReading | None, str | None]:
    """``rcp_checker.read_submission_file`` as the package checker calls it, or its exception."""
    try:
        reading = _read_submission_file(_InMemoryLog(text.lines), ruleset, False)
    except Exception as exc:
        return None, describe_exception(exc)
    return tuple(reading), None  # type: ignore[return-value]


class _NoDiskRcpChecker(rcp_checker.RCP_Checker):
    """The official RCP checker, recording the scaling factor instead of writing scaling.json."""

    scaling_written: float | None = None
    scaling_reset: bool = False

    # The official t-test, computed without importing scipy.stats (checker/ttest.py).
    _find_p_value = with_globals(rcp_checker.RCP_Checker._find_p_value, scipy=SCIPY)
    evaluated_record: dict[str, Any] | None = None
    submission_mean: float | None = None

    def _set_results_scaling(self, scale_factor: float, results_dir: str) -> None:
        self.scaling_written = float(scale_factor)

    def _reset_results_scaling(self, results_dir: str) -> None:
        self.scaling_written = None
        self.scaling_reset = True

    def _eval_submission_record(
        self, rcp_record: dict[str, Any], subm_epochs: list[Any], results_dir: str
    ) -> Any:
        result = super()._eval_submission_record(rcp_record, subm_epochs, results_dir)
        # The official method has just sorted subm_epochs; this is the mean it compared.
        rejected = 4 if rcp_record.get("Benchmark") == "unet3d" else 1
        counted = subm_epochs[rejected : len(subm_epochs) - rejected]
        self.evaluated_record = rcp_record
        self.submission_mean = float(np.mean(counted)) if counted else math.nan
        return result


@functools.lru_cache(maxsize=64)
def _pristine_checker(usage: str, ruleset: str, benchmark: str) -> _NoDiskRcpChecker:
    # Building a checker runs hundreds of t-tests over the pinned RCP file; the result depends
    # only on (usage, ruleset, benchmark), so it comes precomputed when it can. Each use gets a
    # deep copy because the official evaluation mutates records (llama31_405b's Max Speedup).
    state = precomputed_points().get(f"{usage}/{ruleset}/{benchmark}")
    if state is None:
        return _NoDiskRcpChecker(usage, ruleset, benchmark, False, None)
    return restore_checker(state)


POINTS_FILE = Path(__file__).with_name("rcp_points.json")
_FLOAT_FIELDS = ("RCP Mean", "RCP Stdev", "Max Speedup", "Min Epochs")


@functools.lru_cache(maxsize=1)
def precomputed_points() -> dict[str, Any]:
    """The reference points the official checker computes for each (usage, ruleset, benchmark),
    written by ``python -m submissions.checker.rcp_points`` for the pinned mlperf-logging;
    ignored (computed live) if the installed package is another version."""
    try:
        data = json.loads(POINTS_FILE.read_text())
    except (OSError, ValueError):
        return {}
    # Keyed by the package's version only: the points are its data, whatever our own checker's
    # schema (which keys the per-log cache) is.
    return data["checkers"] if data.get("mlperf_logging") == OFFICIAL_VERSION else {}


def checker_state(checker: _NoDiskRcpChecker) -> dict[str, Any]:
    """What ``restore_checker`` needs: the official checker's attributes after it was built."""
    attributes = {
        k: v for k, v in vars(checker).items() if k not in ("rcp_data", "pruned_rcp_data")
    }
    rcp_data = {
        name: {k: float(v) if k in _FLOAT_FIELDS else v for k, v in record.items()}
        for name, record in checker.rcp_data.items()
    }
    return {"attributes": attributes, "rcp_data": rcp_data, "pruned": list(checker.pruned_rcp_data)}


def restore_checker(state: dict[str, Any]) -> _NoDiskRcpChecker:
    checker = _NoDiskRcpChecker.__new__(_NoDiskRcpChecker)
    rcp_data = {
        name: {k: np.float64(v) if k in _FLOAT_FIELDS else v for k, v in record.items()}
        for name, record in state["rcp_data"].items()
    }
    # The pruned points are the same record objects, as the official checker builds them.
    pruned = {name: rcp_data[name] for name in state["pruned"]}
    vars(checker).update(state["attributes"], rcp_data=rcp_data, pruned_rcp_data=pruned)
    return checker


class ReplayedError(RuntimeError):
    """The exception an official step raised when the log was first read, raised again."""


@dataclass(frozen=True)
class RcpOutcome:
    passed: bool
    message: str
    norm_factor: float
    scaling_reset: bool
    """The official checker deleted scaling.json (it then writes ``scaling_written`` if set)."""
    scaling_written: float | None
    batch_size: Any = None
    rcp_mean: float | None = None
    min_mean: float | None = None
    submission_mean: float | None = None
    crash: str | None = None


class _FixedGlob:
    def __init__(self, paths: list[str]) -> None:
        self._paths = paths

    def glob(self, _pattern: str, recursive: bool = False) -> list[str]:
        return list(self._paths)


def evaluate_rcp(
    folder: str,
    readings: list[tuple[str, RcpReading | None, str | None]],
    ruleset: str,
    *,
    rcp_bypass: bool,
) -> RcpOutcome:
    """``rcp_checker.check_directory`` as the package checker calls it, without disk writes.

    ``readings`` are (key, reading, error) per result file in the order the folder's glob
    returns them: the official batch-size and benchmark consistency checks depend on it.
    """
    stored = {key: (reading, error) for key, reading, error in readings}

    def read_stored(result_file: str, _ruleset: str, _use_train_samples: bool) -> RcpReading:
        reading, error = stored[result_file]
        if error is not None or reading is None:
            raise ReplayedError(error)
        return reading

    created: list[_NoDiskRcpChecker] = []

    def make_checker(
        usage: str, version: str, benchmark: Any, verbose: bool, rcp_file: Any = None
    ) -> _NoDiskRcpChecker:
        if isinstance(benchmark, str) and not verbose and rcp_file is None:
            checker = copy.deepcopy(_pristine_checker(usage, version, benchmark))
        else:
            checker = _NoDiskRcpChecker(usage, version, benchmark, verbose, rcp_file)
        created.append(checker)
        return checker

    epochs = with_globals(
        rcp_checker.get_submission_epochs, read_submission_file=read_stored, logging=SilentLogging
    )
    check_directory = with_globals(
        rcp_checker.check_directory,
        glob=_FixedGlob([key for key, _, _ in readings]),
        get_submission_epochs=epochs,
        RCP_Checker=make_checker,
        logging=SilentLogging,
    )
    try:
        passed, message, norm = check_directory(
            folder, USAGE, ruleset, False, False,
            rcp_pass="pruned_rcps", rcp_bypass=rcp_bypass, set_scaling=True,
        )  # fmt: skip
    except Exception as exc:
        return RcpOutcome(False, "", 1.0, False, None, crash=describe_exception(exc))
    return _outcome(bool(passed), str(message), norm, created, readings)


def _min_mean(record: dict[str, Any] | None) -> float | None:
    if not record or not record.get("Max Speedup"):
        return None
    return float(record["RCP Mean"] / record["Max Speedup"])


def _outcome(
    passed: bool,
    message: str,
    norm: Any,
    created: list[_NoDiskRcpChecker],
    readings: list[tuple[str, RcpReading | None, str | None]],
) -> RcpOutcome:
    checker = created[0] if created else None
    record = checker.evaluated_record if checker else None
    batch_sizes = {repr(r[2]) for _, r, _ in readings if r is not None}
    batch_size = next((r[2] for _, r, _ in readings if r is not None), None)
    return RcpOutcome(
        passed=passed,
        message=message,
        norm_factor=float(norm),
        scaling_reset=bool(checker and checker.scaling_reset),
        scaling_written=checker.scaling_written if checker else None,
        batch_size=batch_size if len(batch_sizes) == 1 else None,
        rcp_mean=float(record["RCP Mean"]) if record else None,
        min_mean=_min_mean(record),
        submission_mean=checker.submission_mean if checker else None,
    )
