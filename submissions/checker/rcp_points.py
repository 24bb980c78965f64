"""Write rcp_points.json: the official RCP checker's reference points for every ruleset and
benchmark of the pinned mlperf-logging, so a check need not recompute them (nor import SciPy).

    python -m submissions.checker.rcp_points

Run it after changing the pinned mlperf-logging; a test fails until it has been run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from submissions.checker.official import (
    _RCP_ROOT,
    OFFICIAL_VERSION,
    SUPPORTED_RULESETS,
    USAGE,
    allowed_benchmarks,
)
from submissions.checker.rcp import POINTS_FILE, _NoDiskRcpChecker, checker_state


def buildable() -> list[tuple[str, str]]:
    """(ruleset, benchmark) pairs that have an RCP file the official checker can build."""
    pairs = []
    for ruleset in sorted(SUPPORTED_RULESETS):
        for benchmark in allowed_benchmarks(ruleset):
            if (Path(_RCP_ROOT) / f"{USAGE}_{ruleset}" / f"rcps_{benchmark}.json").exists():
                pairs.append((ruleset, benchmark))
    return pairs


def compute() -> dict[str, Any]:
    checkers = {}
    for ruleset, benchmark in buildable():
        try:
            checker = _NoDiskRcpChecker(USAGE, ruleset, benchmark, False, None)
        except KeyError:
            continue  # the official checker cannot build it either (no run count)
        checkers[f"{USAGE}/{ruleset}/{benchmark}"] = checker_state(checker)
    return {"mlperf_logging": OFFICIAL_VERSION, "checkers": checkers}


def main() -> None:
    POINTS_FILE.write_text(json.dumps(compute(), sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {POINTS_FILE}")


if __name__ == "__main__":
    main()
