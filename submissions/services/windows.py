"""Submission windows and deadline extensions: when a round accepts packages, per organisation."""

from __future__ import annotations

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


def window_save(
    *,
    actor: Any,
    round: Round,
    opens_at: datetime,
    deadline: datetime,
    review_ends_at: datetime,
    grace_minutes: int = 60,
    objections_due_at: datetime | None = None,
    hyperparameters_due_at: datetime | None = None,
) -> SubmissionWindow:
    """Open (or re-plan) a round's submission window and its review dates. Chairs only.

    Without ``objections_due_at`` / ``hyperparameters_due_at`` the rules' schedule applies
    (review week 1 Friday, week 3 Monday, counted from the deadline).
    """
    if not can_manage_round(actor):
        raise PermissionDenied("Only the working-group chairs plan submission windows.")
    if not opens_at < deadline < review_ends_at:
        raise DomainError("The window must open before the deadline, and review must end after it.")
    for label, moment in (
        ("Objections", objections_due_at),
        ("Hyperparameter borrowing", hyperparameters_due_at),
    ):
        if moment is not None and not deadline < moment <= review_ends_at:
            raise DomainError(
                f"{label} must be due after the deadline and by the end of the review "
                f"({format_wg_time(review_ends_at, seconds=True)})."
            )
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
                "objections_due_at": objections_due_at,
                "hyperparameters_due_at": hyperparameters_due_at,
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
