"""Where a round's submission window stands for one organisation, by the server's clock."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from submissions.models import DeadlineExtension, SubmissionWindow


class Phase(enum.StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    GRACE = "grace"  # after the deadline, within the rules' grace period
    EXTENDED = "extended"  # after the grace period, within this organisation's extension
    REVIEW = "review"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # the round was cancelled on the roadmap: nothing is taken


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
    if window.round.is_cancelled:
        phase = Phase.CANCELLED
    elif now < window.opens_at:
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
