"""Receiving a package: the deadline, the organisation, the quota, the stored archive, a new
version. Only an accepted upload is kept: a refused one leaves nothing in the store."""

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
from submissions.display import visible
from submissions.errors import UploadRefused
from submissions.models import Submission, SubmissionVersion, SubmissionWindow
from submissions.phases import Phase, window_state
from submissions.policy import fix_allowed
from submissions.selectors.rounds import quota_remaining
from submissions.services.processing import enqueue_processing
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
    objection allows). The body is spooled to a temporary file (no more than the size limit or
    what is left of the organisation's quota for the round) and moves into the store only once
    accepted; the version row, the audit event and the enqueued task follow on commit.
    """
    if not can_submit_for(actor, organization.pk):
        raise PermissionDenied(f"You are not a submitter for {organization.name}.")
    window = _window_of(round)
    now = now or timezone.now()
    state = window_state(window, organization_id=organization.pk, now=now)
    during_review = _check_on_time(window, state.phase, state.closes_at, organization, now)
    remaining = quota_remaining(round=round, organization=organization)
    cap = min(settings.SUBMISSION_MAX_UPLOAD_BYTES, remaining)
    spooled = storage.spool_upload(
        stream,
        max_bytes=cap,
        too_large=too_large_message(round, organization, remaining)
        if remaining < settings.SUBMISSION_MAX_UPLOAD_BYTES
        else "",
    )
    try:
        archive_format = detect_format(spooled.path)
    except UnpackError as exc:
        storage.discard(spooled)
        raise UploadRefused(
            f"{visible(original_name)}: {exc.reason}. Upload a .tar.gz, .tar or .zip file; "
            "nothing was stored."
        ) from None
    return version_create(
        actor=actor,
        round=round,
        organization=organization,
        spooled=spooled,
        original_name=original_name,
        archive_format=archive_format,
        received_at=now,
        during_review=during_review,
    )


def version_create(
    *,
    actor: Any,
    round: Round,
    organization: Organization,
    spooled: storage.SpooledUpload,
    original_name: str,
    archive_format: str,
    received_at: datetime,
    during_review: bool = False,
    action: str = "submission.upload",
    enforce_quota: bool = True,
) -> SubmissionVersion:
    """Accept a spooled archive as the organisation's next version (uploads and imports).

    Takes the submission's row lock, so simultaneous uploads get different numbers and the
    quota holds (imports of published rounds are exempt); the archive moves into the store
    under that lock, and processing is queued on commit. A refusal discards the spooled file.
    """
    try:
        with transaction.atomic():
            submission, _ = Submission.objects.get_or_create(round=round, organization=organization)
            Submission.objects.select_for_update().get(pk=submission.pk)
            if enforce_quota:
                _check_quota(round, organization, submission, spooled)
            stored = storage.keep(spooled)
            try:
                version = _record(
                    actor, submission, stored, original_name, archive_format, received_at,
                    during_review, action,
                )  # fmt: skip
            except BaseException:
                storage.forget(stored)
                raise
    except BaseException:
        storage.discard(spooled)
        raise
    return version


def _record(
    actor: Any,
    submission: Submission,
    stored: storage.StoredArchive,
    original_name: str,
    archive_format: str,
    received_at: datetime,
    during_review: bool,
    action: str,
) -> SubmissionVersion:
    number = (submission.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=number,
        uploaded_by=actor,
        received_at=received_at,
        original_name=original_name[:255],
        archive_format=archive_format,
        size_bytes=stored.size,
        sha256=stored.sha256,
        during_review=during_review,
    )
    audit_record(
        actor=actor,
        action=action,
        obj=version,
        after={
            "number": number,
            "sha256": stored.sha256,
            "size": stored.size,
            "received_at": received_at.isoformat(),
        },
    )
    transaction.on_commit(lambda: enqueue_processing(version.pk))
    return version


# --- The quota --------------------------------------------------------------------------------


def too_large_message(round_: Round, organization: Organization, remaining: int) -> str:
    return (
        f"{organization.name} has {remaining:,} bytes left of its {settings.SUBMISSION_QUOTA_BYTES:,}"
        f"-byte storage quota for {round_.name}, and this package is larger; nothing was "
        "stored. Ask a chair if you need more."
    )


def _check_quota(
    round_: Round,
    organization: Organization,
    submission: Submission,
    spooled: storage.SpooledUpload,
) -> None:
    # Checked again under the submission's lock: two uploads spooled side by side must not
    # both fit into the same remaining space.
    known = submission.versions.filter(sha256=spooled.sha256).exists()
    remaining = quota_remaining(round=round_, organization=organization)
    if not known and spooled.size > remaining:
        raise UploadRefused(too_large_message(round_, organization, remaining))


# --- On time ----------------------------------------------------------------------------------


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
    server_time = f"The server's time is {format_wg_time(now, seconds=True)}."
    if phase == Phase.CANCELLED:
        raise UploadRefused(
            f"{window.round.name} was cancelled: it takes no submissions. Nothing was stored."
        )
    if phase == Phase.NOT_OPEN:
        raise UploadRefused(
            f"Submissions open at {format_wg_time(window.opens_at, seconds=True)}. {server_time}"
        )
    if phase in (Phase.OPEN, Phase.GRACE, Phase.EXTENDED):
        return False
    if (
        phase == Phase.REVIEW
        and window.round.published_at is None
        and fix_allowed(window.round, organization.pk)
    ):
        return True
    raise UploadRefused(
        f"The deadline has passed: uploads closed at {format_wg_time(closes_at, seconds=True)} "
        f"(deadline {format_wg_time(window.deadline, seconds=True)} plus the "
        f"{window.grace_minutes}-minute grace period"
        f"{' and your extension' if closes_at > window.closes_at else ''}). {server_time}"
    )
