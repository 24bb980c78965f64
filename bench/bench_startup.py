"""Start-up cost of a management command: ``python manage.py check``, wall time and imports.

    python bench/bench_startup.py [--runs 5]

Runs ``manage.py check`` ``--runs`` times (median counts), then once under
``python -X importtime`` to list the slowest imports and to confirm that none of the checkers,
NumPy or SciPy is among them. Baseline in the same run: ``python -c "import django"``.
Target: ``manage.py check`` under one second. CPU time (user + system) is printed beside wall
time: on a shared machine it is what the command itself costs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("mlperf_logging", "numpy", "scipy")


def wall(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    check = [sys.executable, "manage.py", "check"]
    baseline = [sys.executable, "-c", "import django"]
    checks = [wall(check) for _ in range(args.runs)]
    bases = [wall(baseline) for _ in range(args.runs)]
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", *check[1:]], cwd=REPO, capture_output=True, text=True
    ).stderr.splitlines()
    rows = []  # (cumulative microseconds, module, nesting)
    for line in trace:
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        fields = line.removeprefix("import time:").split("|")
        name = fields[2].rstrip()
        rows.append((int(fields[1]), name.strip(), len(name) - len(name.lstrip())))
    heavy = sorted({name for _, name, _ in rows if name.split(".")[0] in HEAVY})
    top = sorted((row for row in rows if row[2] <= 1), reverse=True)[:8]
    for label, runs in (("python -c 'import django'", bases), ("manage.py check", checks)):
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"{label:26s} median {statistics.median(walls):.2f} s wall, "
              f"{statistics.median(cpus):.2f} s CPU (walls: {' '.join(f'{w:.2f}' for w in walls)})")  # fmt: skip
    print("target: manage.py check under 1 s")
    print(f"modules imported: {len(rows)}; of mlperf_logging/NumPy/SciPy: {heavy or 'none'}")
    print("slowest top-level imports (cumulative ms):")
    for cumulative, name, _ in top:
        print(f"  {cumulative / 1000:7.1f}  {name}")


if __name__ == "__main__":
    main()
