"""Import a published round from a folder in the official layout (e.g. training_results_v5.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.celery import app
from core.errors import DomainError
from roadmap.models import Round
from submissions.services.importing import round_import_publish, round_import_versions


class Command(BaseCommand):
    help = "Validate every organisation folder of a published round and publish its results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "round", help="The round's name, e.g. v5.1 (load_catalogue creates rounds)"
        )
        parser.add_argument(
            "folder", type=Path, help="Folder holding <organisation>/systems and /results"
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="Account recorded as the uploader (default: the first superuser)",
        )

    def handle(
        self, *args: Any, round: str, folder: Path, username: str | None, **options: Any
    ) -> None:
        round_ = Round.objects.filter(name=round).first()
        if round_ is None:
            raise CommandError(f"No round named {round!r}; run load_catalogue first.")
        if not folder.is_dir():
            raise CommandError(f"{folder}: not a folder")
        User = get_user_model()
        actor = (
            (
                User.objects.filter(username=username)
                if username
                else User.objects.filter(is_superuser=True)
            )
            .order_by("pk")
            .first()
        )
        if actor is None:
            raise CommandError(
                "No account to record as the uploader: create an admin (ensure_admin) or pass --as."
            )
        # The same pipeline as an upload, run in this process (autocommit: each step starts as
        # soon as the previous one commits), so every verdict is in when the call returns.
        eager_before, app.conf.task_always_eager = app.conf.task_always_eager, True
        try:
            versions = round_import_versions(actor=actor, round=round_, folder=folder)
            for version in versions:
                version.refresh_from_db()
                self.stdout.write(
                    f"{version.submission.organization.name}: {version.get_status_display()}"
                    + (f" — {version.rejection}" if version.rejection else "")
                )
            count = round_import_publish(actor=actor, round=round_, versions=versions)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        finally:
            app.conf.task_always_eager = eager_before
        self.stdout.write(self.style.SUCCESS(f"{round_.name} published with {count} results."))
