"""Wall time of the official package checker against ``submissions.checker.check_package``.

    python bench/bench_validator.py [--corpus DIR] [--replicas N] [--workers N]

Measures, in one process: each corpus organisation folder; a large package made by replicating
the corpus into many systems (copies of systems/*.json under new names); and a re-validation of
that large package after one result file changed, with the per-log cache of the first run.
The official checker runs as its command (``python -m mlperf_logging.package_checker``) on a
copy, since it rewrites scaling.json; our checker runs in this process, as in a worker.
Targets: a full validation within 1/5 of the official time, a re-validation within 1/20.
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ROUND = "training_results_v5.1"
RULESET = "5.1.0"


def _default_corpus() -> Path:
    default = REPO.parent / "shared" / "corpus" / "mlperf_training"
    return Path(os.environ.get("MLPERF_CORPUS_DIR", default))


def _writable_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    for folder, _dirs, _files in os.walk(target):
        os.chmod(folder, os.stat(folder).st_mode | stat.S_IRWXU)
    return target


def official(org_dir: Path, workdir: Path) -> tuple[float, bool]:
    """Wall seconds and verdict of the official command on a copy of ``org_dir``."""
    copy = _writable_copy(org_dir, workdir / "official" / org_dir.name)
    log = workdir / f"official-{org_dir.name}.log"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mlperf_logging.package_checker", str(copy), "training", RULESET,
         "--log_output", str(log)],
        cwd=workdir, capture_output=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    return elapsed, "PACKAGE CHECKER FOUND NO ERRORS" in log.read_text(errors="replace")


def replicate(corpus_round: Path, target: Path, replicas: int) -> Path:
    """One organisation folder holding every corpus system ``replicas`` times."""
    org = target / "Replicated"
    (org / "systems").mkdir(parents=True)
    for source_org in sorted(p for p in corpus_round.iterdir() if p.is_dir()):
        for system_file in sorted((source_org / "systems").glob("*.json")):
            system = system_file.stem
            for index in range(replicas):
                name = f"{system}_r{index:03d}"
                shutil.copyfile(system_file, org / "systems" / f"{name}.json")
                _writable_copy(source_org / "results" / system, org / "results" / name)
    return org


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=_default_corpus())
    parser.add_argument("--replicas", type=int, default=10)
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1))
    args = parser.parse_args()
    corpus_round = args.corpus / ROUND
    if not corpus_round.is_dir():
        sys.exit(f"no corpus at {corpus_round} (use --corpus or MLPERF_CORPUS_DIR)")

    started = time.perf_counter()
    from submissions.checker import check_package

    print(f"import submissions.checker: {time.perf_counter() - started:.2f} s (once per worker)")
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-validator-") as tmp:
        workdir = Path(tmp)
        for org_dir in sorted(p for p in corpus_round.iterdir() if p.is_dir()):
            official_s, official_ok = official(org_dir, workdir / org_dir.name)
            ours_s, report = _timed(lambda o=org_dir: check_package(o, ruleset=RULESET))
            _same(org_dir.name, official_ok, report.ok)
            rows.append((f"{org_dir.name} ({len(report.logs)} logs)", official_s, ours_s))

        big = replicate(corpus_round, workdir / "big", args.replicas)
        official_s, official_ok = official(big, workdir / "big-official")
        ours_s, report = _timed(lambda: check_package(big, ruleset=RULESET))
        _same("replicated", official_ok, report.ok)
        label = f"replicated ({len(report.logs)} logs, {len(report.benchmarks)} folders)"
        rows.append((label, official_s, ours_s))
        pooled_s, pooled = _timed(lambda: check_package(big, ruleset=RULESET, workers=args.workers))
        _same("replicated, pool", official_ok, pooled.ok)
        rows.append((f"{label}, {args.workers} processes", official_s, pooled_s))

        changed = next(iter(sorted(big.glob("results/*/*/result_*.txt"))))
        with changed.open("a") as stream:
            stream.write("launcher: run finished\n")
        again_s, again = _timed(
            lambda: check_package(big, ruleset=RULESET, cache=report.log_cache())
        )
        _same("re-validation", official_ok, again.ok)
        rows.append((f"re-validation, 1 changed ({len(again.reused)} reused)", official_s, again_s))

    print(f"\n{'package':58s} {'official s':>10s} {'ours s':>8s} {'ratio':>8s}")
    for name, official_time, ours_time in rows:
        print(
            f"{name:58s} {official_time:10.2f} {ours_time:8.3f} {official_time / ours_time:7.1f}x"
        )
    full, revalidation = rows[-3], rows[-1]
    print(f"\nfull validation: {full[2] / full[1]:.3f} of the official time (target <= 0.2)")
    print(f"re-validation: {revalidation[2] / revalidation[1]:.4f} of it (target <= 0.05)")


def _timed(call):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _same(name: str, official_ok: bool, ours_ok: bool) -> None:
    if official_ok != ours_ok:
        sys.exit(f"verdicts differ on {name}: official {official_ok}, ours {ours_ok}")


if __name__ == "__main__":
    main()
