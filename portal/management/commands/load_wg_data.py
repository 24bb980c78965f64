"""Load the working group's data from ``data/`` (idempotent: a second run changes nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.datafile import DataError, read_yaml
from meetings import dataload as meetings_data
from wg import dataload as wg_data
from wg.models import Role
from wg.selectors import people_with_role


class Command(BaseCommand):
    help = "Load the working group, its people, roles, meetings and resources from YAML."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=settings.BASE_DIR / "data" / "working_group.yaml",
            help="The working-group YAML file (default: data/working_group.yaml)",
        )

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        source = file.name if file.parent == settings.BASE_DIR / "data" else str(file)
        try:
            doc = read_yaml(file)
            # Validate every section before writing anything, then write in one transaction.
            wg_parsed = wg_data.parse(source, doc)
            meetings_parsed = meetings_data.parse(source, doc)
            unknown = set(doc) - {
                "working_group",
                "organizations",
                "people",
                "roles",
                "meetings",
                "resources",
            }
            if unknown:
                raise DataError(f"{source}: unknown section(s): {', '.join(sorted(unknown))}")
            with transaction.atomic():
                wg = wg_data.apply(wg_parsed, today=timezone.localdate())
                meetings_data.apply(meetings_parsed, working_group=wg)
        except DataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Loaded {wg.name}: {len(wg_parsed.organizations)} organisations, "
            f"{len(wg_parsed.people)} people, {len(meetings_parsed.series)} meeting series, "
            f"{len(meetings_parsed.resources)} resources."
        )
        self._invite_hint()

    def _invite_hint(self) -> None:
        """People loaded from the file have no login; the chairs need one to run the service."""
        waiting = list(people_with_role(role=Role.CHAIR).filter(user__isnull=True))
        if not waiting:
            return
        names = ", ".join(p.full_name for p in waiting)
        example = waiting[0].slug
        self.stdout.write(
            f"The chairs {names} have no login yet. Invite them by email: log in as the admin, "
            "open /wg/members/ and click 'Invite' next to each name, or run\n"
            f"  python manage.py invite EMAIL --person {example}"
        )
