"""The submitters' local check: a folder or an archive, validated as the service validates it.

    mlperf-training-check PATH --ruleset 6.1.0 [--json] [--workers N]
    python manage.py validate_package PATH --ruleset 6.1.0 [--json] [--workers N]

Both are this module: same output, same exit status (0 valid, 1 errors found, 2 bad usage).
No Django, no settings, no database: a submitter needs only the installed package.
With --json, one JSON object on stdout:
{"ok", "ruleset", "results": [{"path", "compliant", "findings"}], "package_findings", "scores"}.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

USAGE_ERROR = 2
DESCRIPTION = "Validate a submission package (folder or .tar.gz/.tar/.zip) as the service would."


def default_workers() -> int:
    return min(4, os.cpu_count() or 1)


def parser(prog: str = "mlperf-training-check") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    p.add_argument(
        "path",
        type=Path,
        help="An organisation folder (holding systems/ and results/), a folder above it, or an archive",
    )
    p.add_argument("--ruleset", required=True, help="The round's ruleset, e.g. 5.1.0")
    p.add_argument(
        "--json",
        dest="as_json",
        action="store_true",
        help="Print one JSON object instead of a summary",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="Processes that check benchmark folders in parallel (default: the CPUs, at most 4)",
    )
    return p


def main(argv: list[str] | None = None, *, prog: str = "mlperf-training-check") -> int:
    args = parser(prog).parse_args(argv)  # bad usage exits with status 2
    return run(args.path, ruleset=args.ruleset, as_json=args.as_json, workers=args.workers)


def run(
    path: Path,
    *,
    ruleset: str,
    as_json: bool = False,
    workers: int = 1,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Check ``path`` and print the report; returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    from submissions.checker.official import SUPPORTED_RULESETS

    if ruleset not in SUPPORTED_RULESETS:
        choices = ", ".join(sorted(SUPPORTED_RULESETS))
        err.write(f"unknown ruleset {ruleset!r}; choose one of {choices}\n")
        return USAGE_ERROR
    if not path.exists():
        err.write(f"{path}: no such file or folder\n")
        return USAGE_ERROR
    from submissions.checker.package_check import check_package
    from submissions.intake_checks import IntakeRefusal, find_org_folder
    from submissions.unpack import UnpackError, unpack_archive

    # The official checkers log each step; everything they find is in the report instead.
    logging.getLogger().setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="validate-") as scratch:
        try:
            if path.is_dir():
                org_dir = find_org_folder(path)
            else:
                unpack_archive(path, Path(scratch) / "package")
                org_dir = find_org_folder(Path(scratch) / "package")
        except (UnpackError, IntakeRefusal) as exc:
            _emit(_layout_error(ruleset, str(exc)), as_json, out)
            return 1
        package = check_package(org_dir, ruleset=ruleset, workers=max(1, workers))
        report = package.to_json()
        refused = _foreign_benchmarks(org_dir, ruleset)
    if refused:
        # The service refuses such a package at intake; say so here too (the official package
        # checker only skips the folder with a warning).
        report["package_findings"] = refused + report["package_findings"]
        report["ok"] = False
    _emit(report, as_json, out)
    return 0 if report["ok"] else 1


def _foreign_benchmarks(org_dir: Path, ruleset: str) -> list[dict[str, Any]]:
    from submissions import paths
    from submissions.checker.official import allowed_benchmarks
    from submissions.intake_checks import foreign_benchmark_message, foreign_benchmarks

    allowed = set(allowed_benchmarks(ruleset))
    round_name = "v" + ".".join(ruleset.split(".")[:2])
    return [
        {
            "check": "layout",
            "severity": "error",
            "path": paths.result_folder(system, benchmark),
            "line": None,
            "message": foreign_benchmark_message(
                system, benchmark, round_name=round_name, ruleset=ruleset, allowed=allowed
            ),
            "rule": "intake: benchmarks of the round",
            "detail": "",
        }
        for system, benchmark in foreign_benchmarks(org_dir, allowed)
    ]


def _layout_error(ruleset: str, message: str) -> dict[str, Any]:
    finding = {
        "check": "layout",
        "severity": "error",
        "path": "",
        "line": None,
        "message": message,
        "rule": "package layout",
        "detail": "",
    }
    return {
        "ok": False,
        "ruleset": ruleset,
        "results": [],
        "package_findings": [finding],
        "scores": [],
    }


def _emit(report: dict[str, Any], as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(report) + "\n")
        return
    errors = [f for f in report["package_findings"] if f["severity"] == "error"]
    errors += [f for r in report["results"] for f in r["findings"] if f["severity"] == "error"]
    for f in errors:
        where = f"{f['path']}:{f['line']}" if f.get("line") else (f["path"] or "package")
        out.write(f"error  {where}: {f['message']}\n")
    for s in report["scores"]:
        score = "—" if s["score_minutes"] is None else f"{s['score_minutes']:.4f} min"
        out.write(f"score  {s['division']} {s['system']} {s['benchmark']}: {score}\n")
    out.write(("VALID" if report["ok"] else "INVALID") + f" under ruleset {report['ruleset']}\n")


if __name__ == "__main__":
    sys.exit(main())
