"""One-shot local check, start-up included, against the official package checker.

    python bench/bench_local_check.py [--corpus DIR] [--systems 8] [--rounds 3]

Builds the 160-log package of the issue (the AMD package of the v5.1 corpus replicated into 8
systems) and times, as separate commands the way a submitter runs them: the official
``python -m mlperf_logging.package_checker`` (on a writable copy: it rewrites scaling.json),
``python manage.py validate_package`` and the ``mlperf-training-check`` console script. Each is
run ``--rounds`` times, interleaved, and the median counts; CPU time (user + system) is printed
beside wall time, as a shared machine stretches wall time. The verdicts must agree. Target:
validate_package within 0.15 of the official time.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_validator import RULESET, _default_corpus, _writable_copy

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def replicate_amd(corpus_round: Path, target: Path, systems: int) -> Path:
    source = corpus_round / "AMD"
    org = target / "AMD"
    (org / "systems").mkdir(parents=True)
    for system_file in sorted((source / "systems").glob("*.json")):
        for index in range(systems):
            name = f"{system_file.stem}_r{index}"
            shutil.copyfile(system_file, org / "systems" / f"{name}.json")
            _writable_copy(source / "results" / system_file.stem, org / "results" / name)
    return org


CPU: dict[str, list[float]] = {}


def timed(cmd: list[str], cwd: Path, label: str) -> tuple[float, subprocess.CompletedProcess]:
    """Wall seconds of ``cmd``; its CPU seconds (user + system, children included) go to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU.setdefault(label, []).append(cpu)
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=_default_corpus())
    parser.add_argument("--systems", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    corpus_round = args.corpus / "training_results_v5.1"
    if not corpus_round.is_dir():
        sys.exit(f"no corpus at {corpus_round} (use --corpus or MLPERF_CORPUS_DIR)")
    with tempfile.TemporaryDirectory(prefix="bench-local-check-") as tmp:
        work = Path(tmp)
        package = replicate_amd(corpus_round, work / "package", args.systems)
        logs = len(list(package.glob("results/*/*/result_*.txt")))
        times: dict[str, list[float]] = {
            "official": [],
            "validate_package": [],
            "console script": [],
        }
        verdicts: dict[str, set[bool]] = {name: set() for name in times}
        for index in range(args.rounds):
            copy = _writable_copy(package, work / f"official-{index}" / "AMD")
            log = work / f"official-{index}.log"
            seconds, _ = timed(
                [sys.executable, "-m", "mlperf_logging.package_checker", str(copy), "training",
                 RULESET, "--log_output", str(log)],
                work, "official",
            )  # fmt: skip
            times["official"].append(seconds)
            verdicts["official"].add(
                "PACKAGE CHECKER FOUND NO ERRORS" in log.read_text(errors="replace")
            )
            ours = {
                "validate_package": [sys.executable, "manage.py", "validate_package"],
                "console script": [str(BIN / "mlperf-training-check")],
            }
            for name, cmd in ours.items():
                seconds, result = timed(
                    [*cmd, str(package), "--ruleset", RULESET, "--json"], REPO, name
                )
                if result.returncode not in (0, 1):
                    sys.exit(f"{name} failed:\n{result.stderr[-2000:]}")
                times[name].append(seconds)
                verdicts[name].add(json.loads(result.stdout)["ok"])
    if len({frozenset(v) for v in verdicts.values()}) != 1 or len(verdicts["official"]) != 1:
        sys.exit(f"verdicts differ: {verdicts}")
    official = statistics.median(times["official"])
    print(f"package: AMD replicated into {args.systems} systems, {logs} logs; verdict "
          f"{'valid' if verdicts['official'].pop() else 'invalid'} from all three")  # fmt: skip
    official_cpu = statistics.median(CPU["official"])
    print(f"{'command':18s} {'wall s':>7s} {'ratio':>6s} {'CPU s':>6s} {'ratio':>6s}   wall runs")
    for name, values in times.items():
        median, cpu = statistics.median(values), statistics.median(CPU[name])
        runs = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:18s} {median:7.2f} {median / official:6.3f} {cpu:6.2f} "
              f"{cpu / official_cpu:6.3f}   {runs}")  # fmt: skip
    ratio = statistics.median(times["validate_package"]) / official
    cpu_ratio = statistics.median(CPU["validate_package"]) / official_cpu
    print(f"\nvalidate_package, start-up included: {ratio:.3f} of the official wall time, "
          f"{cpu_ratio:.3f} of its CPU time (target <= 0.15)")  # fmt: skip


if __name__ == "__main__":
    main()
