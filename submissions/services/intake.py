"""Receiving a package: the deadline, the organisation, the stored archive, a new version."""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.errors import PermissionDenied
from core.timezones import format_wg_time
from roadmap.models import Round
from submissions import storage
from submissions.errors import UploadRefused
from submissions.models import Objection, Submission, SubmissionVersion, SubmissionWindow
from submissions.models.review import ObjectionStatus
from submissions.services.processing import enqueue_processing
from submissions.services.windows import Phase, window_state
from submissions.unpack import UnpackError, detect_format
from wg.models import Organization
from wg.permissions import can_submit_for


def version_upload(
    *,
    actor: Any,
    round: Round,
    organization: Organization,
    stream: BinaryIO,
    original_name: str,
    now: datetime | None = None,
) -> SubmissionVersion:
    """Store an uploaded package as the organisation's next version and queue its validation.

    The server's clock at the end of the upload decides whether it is on time (the deadline,
    the grace period and the organisation's extension; during review only fixes that an
    objection requires). The archive is copied into the store before the transaction; the
    version row, the audit event and the enqueued task follow on commit.
    """
    if not can_submit_for(actor, organization.pk):
        raise PermissionDenied(f"You are not a submitter for {organization.name}.")
    window = _window_of(round)
    now = now or timezone.now()
    state = window_state(window, organization_id=organization.pk, now=now)
    during_review = _check_on_time(window, state.phase, state.closes_at, organization, now)
    stored = storage.store_upload(stream, max_bytes=settings.SUBMISSION_MAX_UPLOAD_BYTES)
    try:
        archive_format = detect_format(stored.path)
    except UnpackError as exc:
        raise UploadRefused(
            f"{original_name}: {exc.reason}. Upload a .tar.gz, .tar or .zip file."
        ) from None
    with transaction.atomic():
        submission, _ = Submission.objects.get_or_create(round=round, organization=organization)
        # Lock the submission so two simultaneous uploads get different numbers.
        Submission.objects.select_for_update().get(pk=submission.pk)
        number = (submission.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = SubmissionVersion.objects.create(
            submission=submission,
            number=number,
            uploaded_by=actor,
            received_at=now,
            original_name=original_name[:255],
            archive_format=archive_format,
            size_bytes=stored.size,
            sha256=stored.sha256,
            during_review=during_review,
        )
        audit_record(
            actor=actor,
            action="submission.upload",
            obj=version,
            after={
                "number": number,
                "sha256": stored.sha256,
                "size": stored.size,
                "received_at": now.isoformat(),
            },
        )
        transaction.on_commit(lambda: enqueue_processing(version.pk))
    return version


def _window_of(round_: Round) -> SubmissionWindow:
    try:
        return round_.window
    except SubmissionWindow.DoesNotExist:
        raise UploadRefused(f"Round {round_.name} has no submission window yet.") from None


def _check_on_time(
    window: SubmissionWindow,
    phase: Phase,
    closes_at: datetime,
    organization: Organization,
    now: datetime,
) -> bool:
    """Refuse an upload outside the window; returns whether it is a review-period fix."""
    server_time = f"The server's time is {format_wg_time(now)}."
    if phase == Phase.NOT_OPEN:
        raise UploadRefused(f"Submissions open at {format_wg_time(window.opens_at)}. {server_time}")
    if phase in (Phase.OPEN, Phase.GRACE, Phase.EXTENDED):
        return False
    if (
        phase == Phase.REVIEW
        and window.round.published_at is None
        and _fix_allowed(window.round_id, organization.pk)
    ):
        return True
    raise UploadRefused(
        f"The deadline has passed: uploads closed at {format_wg_time(closes_at)} "
        f"(deadline {format_wg_time(window.deadline)} plus the {window.grace_minutes}-minute grace period"
        f"{' and your extension' if closes_at > window.closes_at else ''}). {server_time}"
    )


def _fix_allowed(round_id: int, organization_id: int) -> bool:
    """A chair upheld an objection against this organisation and allowed a fix."""
    return Objection.objects.filter(
        round_id=round_id,
        against_id=organization_id,
        fix_required=True,
        status=ObjectionStatus.UPHELD,
    ).exists()
