"""The local validator for submitters: the service's own checks, on a folder or an archive.

    python manage.py validate_package PATH --ruleset 6.1.0 --json

The same program as the ``mlperf-training-check`` console script (submissions/checker/cli.py):
same output, exit status 0 valid, 1 errors found, 2 bad usage. ``manage.py`` runs it without
starting Django (it needs neither settings nor a database); this command is what ``call_command``
and ``manage.py help`` see.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from submissions.checker import cli


class Command(BaseCommand):
    help = cli.DESCRIPTION
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # One definition of the arguments for both entry points.
        for action in cli.parser()._actions:
            if action.dest != "help":
                parser._add_action(action)
        return parser

    def handle(
        self, *args: Any, path, ruleset: str, as_json: bool, workers: int, **options: Any
    ) -> None:  # type: ignore[no-untyped-def]
        status = cli.run(
            path,
            ruleset=ruleset,
            as_json=as_json,
            workers=workers,
            out=self.stdout._out,
            err=sys.stderr,
        )
        raise SystemExit(status)
