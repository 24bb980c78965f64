"""Recount votes from tally files: ``python manage.py tally FILE [FILE ...] [--json]``.

Exit status 0 when every file was counted; 2 when a file is not a valid election (the message
names the file and the problem, and nothing is printed on standard output).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from roadmap.tally import TallyError, read_election, tally


class Command(BaseCommand):
    help = "Count votes from YAML tally files by the working group's voting rules."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--json", action="store_true", help="print a JSON list, one per file")

    def handle(self, *args: Any, files: list[Path], json: bool, **options: Any) -> None:
        results, problems = [], []
        for path in files:
            try:
                results.append({"file": str(path), **tally(read_election(path)).as_dict()})
            except TallyError as exc:
                message = str(exc)
                problems.append(message if message.startswith(str(path)) else f"{path}: {message}")
        if problems:
            raise CommandError("\n".join(problems), returncode=2)
        if json:
            self.stdout.write(_dumps(results))
            return
        for result in results:
            self.stdout.write(_summary(result))


def _dumps(results: list[dict[str, Any]]) -> str:
    return json.dumps(results, indent=2)


def _summary(result: dict[str, Any]) -> str:
    outcome = result["outcome"] if result["outcome"] is not None else "no outcome"
    tied = f" (tied: {', '.join(result['tied'])})" if result["tied"] else ""
    return (
        f"{result['file']}: {result['status']} — {outcome}{tied}; "
        f"{result['counted']} of {len(result['voting_organizations'])} voting organisations counted"
    )
