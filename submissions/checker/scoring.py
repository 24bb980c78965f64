"""Scores as ``result_summarizer`` computes them.

``result_summarizer`` imports pandas at module level (not one of our dependencies, and slow to
import), so the two small pieces it uses are copied here; the corpus tests compare the results
with the official scores.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from submissions.checker.reports import LogResult


def max_dropped_scores(benchmark: str) -> int:
    return 4 if benchmark == "unet3d" else 1


def query_run_start_stop(loglines: Sequence[Any]) -> tuple[float | None, float | None]:
    """First run_start and first run_stop timestamps (``_query_run_start_stop`` minus raising)."""
    run_start, run_stop = None, None
    for logline in loglines:
        if logline.key == "run_start" and run_start is None:
            run_start = logline.timestamp
        if logline.key == "run_stop" and run_stop is None:
            run_stop = logline.timestamp
        if run_start is not None and run_stop is not None:
            break
    return (
        None if run_start is None else float(run_start),
        None if run_stop is None else float(run_stop),
    )


def time_to_train_minutes(run_start_ms: float, run_stop_ms: float) -> float:
    # Same operations in the same order as the summarizer, so the floats are identical.
    time_to_train_ms = run_stop_ms - run_start_ms
    return time_to_train_ms / 60 / 1000


def olympic_average(scores: list[float], dropped_scores: int, max_dropped: int) -> float | None:
    """Copy of ``result_summarizer._compute_olympic_average``."""
    scores.sort()
    countable = scores[max_dropped : (len(scores) - (max_dropped - dropped_scores))]
    if len(countable) == 0:
        return None
    return sum(countable) * 1.0 / len(countable)


def benchmark_score(
    logs: Sequence[LogResult], benchmark: str, scaling_factor: float
) -> float | None:
    """The summarizer's score for one benchmark folder, or None where it shows none.

    The summarizer drops a run whose log fails the compliance check (at most one, four for
    unet3d) and stops altogether on a log that makes the compliance checker raise.
    """
    if any(log.compliance_crash is not None for log in logs):
        return None
    scores = [log.time_to_train_minutes for log in logs if log.time_to_train_minutes is not None]
    dropped = len(logs) - len(scores)
    max_dropped = max_dropped_scores(benchmark)
    if dropped > max_dropped:
        return None
    average = olympic_average([float(score) for score in scores], dropped, max_dropped)
    if average is None:
        return None
    return average * scaling_factor


def read_scaling_file(benchmark_folder: str) -> tuple[float, str | None]:
    """The factor ``result_summarizer._get_scaling_factor`` reads (1.0 without a file)."""
    scaling_file = os.path.join(benchmark_folder, "scaling.json")
    if not os.path.isfile(scaling_file):
        return 1.0, None
    try:
        with open(scaling_file) as stream:
            value = json.load(stream)["scaling_factor"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return 1.0, f"{type(exc).__name__}: {exc}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 1.0, f"scaling_factor is {value!r}, not a number"
    return float(value), None
