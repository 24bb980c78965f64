"""Importing a published round from a folder in the official results layout, so the service
can show past rounds. Each organisation folder goes through the same intake (a version under
the submission's lock) and validation as an upload, then the round is published through the
same publication step as a chair's."""

from __future__ import annotations

import tarfile
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.errors import DomainError
from roadmap.models import Round
from submissions import storage
from submissions.models import SubmissionVersion
from submissions.services.intake import version_create
from submissions.services.publication import publish_locked
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
        return publish_locked(
            locked,
            actor=actor,
            now=published_at or timezone.now(),
            action="round.import",
            extra={"organizations": [v.submission.organization.name for v in versions]},
        )


def _import_org(actor: Any, round_: Round, org_dir: Path) -> SubmissionVersion:
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "package.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(org_dir, arcname=org_dir.name)
        with archive.open("rb") as stream:
            spooled = storage.spool_upload(stream, max_bytes=2**40)
    organization, _ = Organization.objects.get_or_create(
        name=org_dir.name, defaults={"slug": slugify(org_dir.name) or "org"}
    )
    return version_create(
        actor=actor,
        round=round_,
        organization=organization,
        spooled=spooled,
        original_name=f"{org_dir.name} (imported)",
        archive_format="tar.gz",
        received_at=timezone.now(),
        action="submission.import",
        enforce_quota=False,
    )
