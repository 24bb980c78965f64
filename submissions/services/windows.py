"""Submission windows and deadline extensions: when a round accepts packages, per organisation."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record, upsert_with_audit
from core.errors import DomainError, PermissionDenied
from core.timezones import format_wg_time
from roadmap.models import Round
from submissions import notifications
from submissions.models import DeadlineExtension, SubmissionWindow
from wg.models import Organization
from wg.permissions import can_manage_round


class Phase(enum.StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    GRACE = "grace"  # after the deadline, within the rules' grace period
    EXTENDED = "extended"  # after the grace period, within this organisation's extension
    REVIEW = "review"
    CLOSED = "closed"


@dataclass(frozen=True)
class WindowState:
    phase: Phase
    closes_at: datetime  # the last moment this organisation may upload
    extension: DeadlineExtension | None

    @property
    def accepts_uploads(self) -> bool:
        return self.phase in (Phase.OPEN, Phase.GRACE, Phase.EXTENDED)


def window_state(
    window: SubmissionWindow, *, organization_id: int | None, now: datetime
) -> WindowState:
    """Where the round is for one organisation, by the server's clock."""
    extension = None
    if organization_id is not None:
        extension = next(
            (e for e in window.extensions.all() if e.organization_id == organization_id), None
        )
    closes_at = max(window.closes_at, extension.until) if extension else window.closes_at
    if now < window.opens_at:
        phase = Phase.NOT_OPEN
    elif now <= window.deadline:
        phase = Phase.OPEN
    elif now <= window.closes_at:
        phase = Phase.GRACE
    elif now <= closes_at:
        phase = Phase.EXTENDED
    elif now <= window.review_ends_at:
        phase = Phase.REVIEW
    else:
        phase = Phase.CLOSED
    return WindowState(phase=phase, closes_at=closes_at, extension=extension)


def window_save(
    *,
    actor: Any,
    round: Round,
    opens_at: datetime,
    deadline: datetime,
    review_ends_at: datetime,
    grace_minutes: int = 60,
) -> SubmissionWindow:
    """Open (or re-plan) a round's submission window. Chairs only."""
    if not can_manage_round(actor):
        raise PermissionDenied("Only the working-group chairs plan submission windows.")
    if not opens_at < deadline < review_ends_at:
        raise DomainError("The window must open before the deadline, and review must end after it.")
    with transaction.atomic():
        current = SubmissionWindow.objects.select_for_update().filter(round=round).first()
        if current is not None:
            new_close = deadline + timedelta(minutes=grace_minutes)
            _refuse_reopening(current, new_close)
        window, _ = upsert_with_audit(
            SubmissionWindow,
            actor=actor,
            lookup={"round": round},
            values={
                "opens_at": opens_at,
                "deadline": deadline,
                "review_ends_at": review_ends_at,
                "grace_minutes": grace_minutes,
            },
        )
    return window  # type: ignore[return-value]


def extension_grant(
    *,
    actor: Any,
    window: SubmissionWindow,
    organization: Organization,
    until: datetime,
    reason: str,
) -> DeadlineExtension:
    """Grant a force-majeure extension (at most 72 hours after the deadline), with a reason."""
    if not can_manage_round(actor):
        raise PermissionDenied("Only the working-group chairs grant extensions.")
    if not reason.strip():
        raise DomainError("An extension needs a reason.")
    latest = window.deadline + timedelta(hours=DeadlineExtension.MAX_HOURS)
    if not window.deadline < until <= latest:
        raise DomainError(
            f"An extension must end after the deadline and at most {DeadlineExtension.MAX_HOURS} hours "
            f"after it (by {format_wg_time(latest)})."
        )
    with transaction.atomic():
        locked = SubmissionWindow.objects.select_for_update().get(pk=window.pk)
        _refuse_reopening(locked, until)
        extension, _ = DeadlineExtension.objects.update_or_create(
            window=window,
            organization=organization,
            defaults={"until": until, "reason": reason.strip(), "granted_by": actor},
        )
        audit_record(
            actor=actor,
            action="extension.grant",
            obj=extension,
            after={"organization": organization.slug, "until": until.isoformat()},
            reason=reason,
        )
        notifications.extension_granted(extension=extension)
    return extension


def _refuse_reopening(window: SubmissionWindow, new_close: datetime) -> None:
    """Once uploads are closed for everyone, the organisations see each other's packages; no
    change may let one of them upload again after that (a review fix goes through an upheld
    objection instead)."""
    now = timezone.now()
    if now > window.closes_for_all_at and new_close > now:
        raise DomainError(
            f"Uploads closed for everyone at {format_wg_time(window.closes_for_all_at)} and the "
            "submissions are open to review; they cannot be reopened."
        )
