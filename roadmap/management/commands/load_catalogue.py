"""Load the benchmark catalogue and the rounds from ``data/catalogue.yaml`` (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.datafile import DataError, read_yaml
from roadmap import dataload


class Command(BaseCommand):
    help = (
        "Load benchmarks and rounds; benchmark membership and run counts come from mlperf-logging."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--file", type=Path, default=settings.BASE_DIR / "data" / "catalogue.yaml"
        )

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        source = file.name if file.parent == settings.BASE_DIR / "data" else str(file)
        try:
            catalogue = dataload.parse(source, read_yaml(file))
            with transaction.atomic():
                notes = dataload.apply(catalogue)
        except DataError as exc:
            raise CommandError(str(exc)) from None
        for note in notes:
            self.stdout.write(note)
        self.stdout.write(
            f"Loaded {len(catalogue.benchmarks)} benchmarks and {len(catalogue.rounds)} rounds."
        )
