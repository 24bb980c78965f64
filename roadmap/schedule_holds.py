"""What apps above the roadmap hold of a round's dates.

The submission window has dates of its own, set on the round's manage page, and the roadmap
must not move a round's submission date from under it; yet the roadmap never imports the apps
above it. So such an app registers a check at start-up (from its ``AppConfig.ready``) and
``round_reschedule`` asks every check, inside its transaction, before it moves anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from roadmap.models import Round

# (round, the new submission date, now) -> why the date may not move, or None.
HoldCheck = Callable[[Round, date, datetime], "str | None"]

_CHECKS: dict[str, HoldCheck] = {}


def hold_register(name: str, check: HoldCheck) -> HoldCheck:
    """Register ``check`` under ``name`` (idempotent: a module imported twice registers once)."""
    _CHECKS[name] = check
    return check


def hold_reasons(round_: Round, submission_date: date, now: datetime) -> list[str]:
    """Why the round's submission date may not become ``submission_date``; empty if it may."""
    return [reason for check in _CHECKS.values() if (reason := check(round_, submission_date, now))]
