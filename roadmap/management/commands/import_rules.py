"""Import a rule document as its next revision:

    python manage.py import_rules DOCUMENT FILE --message TEXT [--date YYYY-MM-DD]

``DOCUMENT`` is the document's short name (``training``, ``submission``); it is created, titled
from the file, when it does not exist yet. On success the new revision's number is printed on
standard output (and what was imported on standard error); when the file's text equals the
latest revision nothing is created, and the command says so. Exit status 2, naming the file
and the problem, for a file that cannot be read or is not text, or a bad option.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from roadmap.models import Decision
from roadmap.services.rules.revisions import rule_revision_import
from wg.models import Person


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--date {value!r} is not a date like 2026-05-08", returncode=2
        ) from None


class Command(BaseCommand):
    help = "Import a rule document (AsciiDoc) as a new revision of DOCUMENT."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("document", metavar="DOCUMENT", help="e.g. training or submission")
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument("--message", required=True, help="what this revision changes")
        parser.add_argument("--date", help="the date of the text, YYYY-MM-DD (default: today)")
        parser.add_argument("--author", help="the person (slug) who wrote it")
        parser.add_argument("--decision", help="the decision that motivated it, e.g. D-2026-004")
        parser.add_argument(
            "--private", action="store_true", help="a new document is readable by members only"
        )

    def handle(self, *args: Any, document: str, file: Path, **options: Any) -> None:
        when = _date(options["date"]) if options["date"] else None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror})", returncode=2) from None
        try:
            result = rule_revision_import(
                actor=None,
                document=document,
                source=data,
                message=options["message"],
                date=when,
                file_name=str(file),
                author=_lookup(Person, "slug", options["author"], "person"),
                decision=_lookup(Decision, "reference", options["decision"], "decision"),
                public=not options["private"],
            )
        except DomainError as error:
            raise CommandError(str(error), returncode=2) from None
        if result.revision is None:
            assert result.latest is not None
            self.stdout.write(
                f"Nothing imported: {file} equals revision {result.latest.number} of "
                f"{result.document.slug}."
            )
            return
        revision = result.revision
        created = " (a new document)" if result.created_document else ""
        self.stderr.write(
            f"Imported {file} as revision {revision.number} of {result.document.slug}{created}: "
            f"“{revision.title or result.document.title}”, {revision.sections.count()} sections."
        )
        for warning in revision.render_warnings:
            self.stderr.write(f"  {warning}")
        self.stdout.write(str(revision.number))


def _lookup(model: Any, field: str, value: str | None, what: str) -> Any:
    if not value:
        return None
    row = model.objects.filter(**{field: value}).first()
    if row is None:
        raise CommandError(f"There is no {what} {value!r}.", returncode=2)
    return row
