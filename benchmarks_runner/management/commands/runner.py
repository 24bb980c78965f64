"""Start a runner: a Celery worker (solo pool, one run at a time) serving ``hw.<class>`` and
``host.<name>``, in the foreground. Ctrl-C or SIGTERM is Celery's warm shutdown: the current
run finishes, then the runner stops and is offline at once. A second Ctrl-C stops it now: the
benchmark dies with it and the reaper queues the run's next attempt.

    python manage.py runner --name local-cpu --class cpu [--token TOKEN]

The name is required and never guessed from the machine's host name: two runners on one
machine (one per accelerator set, say) must be told apart, and a name that changes with a
renamed machine would split its history. The token (or RUNNER_TOKEN) is an API token of a
chair or staff account; without one, registration is refused unless RUNNER_ALLOW_TOKENLESS
(the development default).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from benchmarks_runner import worker
from benchmarks_runner.services.hosts import CLASS, NAME
from config.celery import app


class Command(BaseCommand):
    help = "Run benchmark runs on this machine: a runner serving hw.<class> and host.<name>."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="This runner's name, e.g. gpu-node-07")
        parser.add_argument(
            "--class", dest="hardware_class", required=True, help="Hardware class, e.g. cpu"
        )
        parser.add_argument("--token", default="", help="Runner token (or set RUNNER_TOKEN)")
        parser.add_argument("--loglevel", default=os.environ.get("LOG_LEVEL", "INFO"))

    def handle(
        self, *args: Any, name: str, hardware_class: str, token: str, loglevel: str, **options: Any
    ) -> None:
        if not NAME.match(name):
            raise CommandError(
                f"--name {name!r} is not valid: lower-case letters, digits and '-', "
                "at most 63 characters."
            )
        if not CLASS.match(hardware_class):
            raise CommandError(f"--class {hardware_class!r} is not valid.")
        if token:
            # Not on the worker's command line, where other users of the machine could read it.
            os.environ["RUNNER_TOKEN"] = token
        app.start(
            argv=[
                "worker",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--queues",
                f"hw.{hardware_class},host.{name}",
                "--hostname",
                f"runner.{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                loglevel,
                "--runner-name",
                name,
                "--runner-class",
                hardware_class,
            ]
        )
        if worker.refusal:
            self.stderr.write(f"The runner was refused: {worker.refusal}")
            raise SystemExit(2)
