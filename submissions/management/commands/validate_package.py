"""The local validator for submitters: the service's own checks, on a folder or an archive.

    python manage.py validate_package PATH --ruleset 6.1.0 --json

Exit status: 0 valid, 1 errors found, 2 bad usage. With --json, one JSON object on stdout:
{"ok", "ruleset", "results": [{"path", "compliant", "findings"}], "package_findings", "scores"}.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from submissions import checker, paths
from submissions.checker.official import allowed_benchmarks
from submissions.intake_checks import (
    IntakeRefusal,
    find_org_folder,
    foreign_benchmark_message,
    foreign_benchmarks,
)
from submissions.unpack import UnpackError, unpack_archive

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Validate a submission package (folder or .tar.gz/.tar/.zip) as the service would."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            type=Path,
            help="An organisation folder (holding systems/ and results/), a folder above it, or an archive",
        )
        parser.add_argument(
            "--ruleset",
            required=True,
            help=f"One of {', '.join(sorted(checker.SUPPORTED_RULESETS))}",
        )
        parser.add_argument(
            "--json",
            dest="as_json",
            action="store_true",
            help="Print one JSON object instead of a summary",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Processes to check benchmark folders in parallel",
        )

    def handle(
        self, *args: Any, path: Path, ruleset: str, as_json: bool, workers: int, **options: Any
    ) -> None:
        if ruleset not in checker.SUPPORTED_RULESETS:
            self._usage(
                f"unknown ruleset {ruleset!r}; choose one of {', '.join(sorted(checker.SUPPORTED_RULESETS))}"
            )
        if not path.exists():
            self._usage(f"{path}: no such file or folder")
        # The official checkers log each step; everything they find is in the report instead.
        logging.getLogger().setLevel(logging.CRITICAL)
        with tempfile.TemporaryDirectory(prefix="validate-") as scratch:
            try:
                org_dir = self._org_dir(path, Path(scratch))
            except (UnpackError, IntakeRefusal) as exc:
                report = {
                    "ok": False,
                    "ruleset": ruleset,
                    "results": [],
                    "scores": [],
                    "package_findings": [
                        {
                            "check": "layout",
                            "severity": "error",
                            "path": "",
                            "line": None,
                            "message": str(exc),
                            "rule": "package layout",
                            "detail": "",
                        }
                    ],
                }
                self._emit(report, as_json)
                raise SystemExit(1) from None
            package = checker.check_package(org_dir, ruleset=ruleset, workers=max(1, workers))
            report = package.to_json()
            refused = self._foreign_benchmarks(org_dir, ruleset)
        if refused:
            # The service refuses such a package at intake; say so here too (the official
            # package checker only skips the folder with a warning).
            report["package_findings"] = refused + report["package_findings"]
            report["ok"] = False
        self._emit(report, as_json)
        raise SystemExit(0 if report["ok"] else 1)

    def _foreign_benchmarks(self, org_dir: Path, ruleset: str) -> list[dict[str, Any]]:
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

    def _org_dir(self, path: Path, scratch: Path) -> Path:
        if path.is_dir():
            return find_org_folder(path)
        tree = scratch / "package"
        unpack_archive(path, tree)
        return find_org_folder(tree)

    def _usage(self, message: str) -> None:
        sys.stderr.write(f"validate_package: {message}\n")
        raise SystemExit(USAGE_ERROR)

    def _emit(self, report: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report))
            return
        errors = [f for f in report["package_findings"] if f["severity"] == "error"]
        errors += [f for r in report["results"] for f in r["findings"] if f["severity"] == "error"]
        for f in errors:
            where = f"{f['path']}:{f['line']}" if f.get("line") else (f["path"] or "package")
            self.stdout.write(f"error  {where}: {f['message']}")
        for s in report["scores"]:
            score = "—" if s["score_minutes"] is None else f"{s['score_minutes']:.4f} min"
            self.stdout.write(f"score  {s['division']} {s['system']} {s['benchmark']}: {score}")
        self.stdout.write(
            ("VALID" if report["ok"] else "INVALID") + f" under ruleset {report['ruleset']}"
        )
