"""Importing a published round from a folder in the official results layout, so the service
can show past rounds. Each organisation folder goes through the same intake and validation as
an upload, then the round's results are published."""

from __future__ import annotations

import tarfile
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from core.audit import audit_record
from core.errors import DomainError
from roadmap.models import Round
from roadmap.services import rounds
from submissions import storage
from submissions.models import Submission, SubmissionVersion
from submissions.services.processing import enqueue_processing
from submissions.services.review import results_snapshot
from wg.models import Organization


def _org_folders(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if (p / "systems").is_dir() and (p / "results").is_dir()
    )


def round_import_versions(*, actor: Any, round: Round, folder: Path) -> list[SubmissionVersion]:
    """Store each organisation folder as a new version and queue its validation."""
    if round.published_at is not None:
        raise DomainError(f"{round.name} is published already.")
    orgs = _org_folders(folder)
    if not orgs:
        raise DomainError(f"{folder}: no organisation folders (each needs systems/ and results/).")
    return [_import_org(actor, round, org_dir) for org_dir in orgs]


def round_import_publish(
    *,
    actor: Any,
    round: Round,
    versions: list[SubmissionVersion],
    published_at: datetime | None = None,
) -> int:
    """Publish an imported round once every imported version has its verdict."""
    pending = [v for v in versions if not SubmissionVersion.objects.get(pk=v.pk).is_final]
    if pending:
        raise DomainError(f"{len(pending)} imported version(s) are still being validated.")
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.published_at is not None:
            raise DomainError(f"{round.name} is published already.")
        count = results_snapshot(locked)
        rounds.round_publish(actor=actor, round=locked, at=published_at or timezone.now())
        audit_record(
            actor=actor,
            action="round.import",
            obj=locked,
            after={
                "organizations": [v.submission.organization.name for v in versions],
                "results": count,
            },
        )
    return count


def _import_org(actor: Any, round_: Round, org_dir: Path) -> SubmissionVersion:
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "package.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(org_dir, arcname=org_dir.name)
        with archive.open("rb") as stream:
            stored = storage.store_upload(stream, max_bytes=2**40)
    organization, _ = Organization.objects.get_or_create(
        name=org_dir.name, defaults={"slug": slugify(org_dir.name) or "org"}
    )
    with transaction.atomic():
        submission, _ = Submission.objects.get_or_create(round=round_, organization=organization)
        number = (submission.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = SubmissionVersion.objects.create(
            submission=submission,
            number=number,
            uploaded_by=actor,
            received_at=timezone.now(),
            original_name=f"{org_dir.name} (imported)",
            archive_format="tar.gz",
            size_bytes=stored.size,
            sha256=stored.sha256,
        )
        audit_record(
            actor=actor, action="submission.import", obj=version, after={"sha256": stored.sha256}
        )
        transaction.on_commit(lambda: enqueue_processing(version.pk))
    return version
