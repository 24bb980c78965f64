"""The milestone template (``data/milestones.yaml``) and the due times it gives a round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from pydantic import field_validator

from core.datafile import DataError, Strict, parse_entries, read_yaml
from core.timezones import wg_zone
from roadmap.models import MilestonePhase, RoundStatus

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SUBMISSION_WEEKDAY = "fri"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class StepIn(Strict):
    key: str
    title: str
    description: str = ""
    weeks: int
    weekday: str | None = None
    time: str = "23:59"
    owner: str
    phase: str
    advances_to: str = ""

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str | None) -> str | None:
        if value is not None and value not in WEEKDAYS:
            raise ValueError(f"{value!r} is not one of {', '.join(WEEKDAYS)}")
        return value

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        time.fromisoformat(value)
        return value

    @field_validator("phase")
    @classmethod
    def _phase(cls, value: str) -> str:
        if value not in MilestonePhase.values:
            raise ValueError(f"{value!r} is not one of {', '.join(MilestonePhase.values)}")
        return value

    @field_validator("advances_to")
    @classmethod
    def _advances_to(cls, value: str) -> str:
        allowed = (RoundStatus.DEVELOPMENT, RoundStatus.SUBMISSION, RoundStatus.REVIEW)
        if value and value not in allowed:
            raise ValueError(f"a milestone can move a round on to {', '.join(allowed)} only")
        return value


@dataclass(frozen=True)
class PlannedMilestone:
    step: StepIn
    position: int
    due_at: datetime

    submission_date: date

    @property
    def when(self) -> str:
        weeks, weekday = self.step.weeks, self.step.weekday
        if weekday is None:
            return f"T{weeks:+d} weeks" if weeks else "T-0"
        if self.submission_date.weekday() == WEEKDAYS.index(SUBMISSION_WEEKDAY):
            return f"Week {weeks}, {DAY_NAMES[WEEKDAYS.index(weekday)]}"
        days = offset_days(self.step)
        return f"T{days:+d} day{'' if abs(days) == 1 else 's'}" if days else "T-0"


def template_path() -> Path:
    return Path(settings.BASE_DIR) / "data" / "milestones.yaml"


@cache
def _template(path: Path, mtime: float) -> tuple[StepIn, ...]:
    source = path.name
    steps = parse_entries(source, read_yaml(path), "milestones", StepIn)
    keys = [s.key for s in steps]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise DataError(f"{source}: milestone keys used twice: {', '.join(duplicates)}")
    return tuple(steps)


def template(path: Path | None = None) -> tuple[StepIn, ...]:
    path = path or template_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    return _template(path, mtime)


def due_at(step: StepIn, submission_date: date) -> datetime:
    """The step's due time for a round submitting on ``submission_date``, in Pacific time
    (so a deadline keeps its local time across daylight-saving changes)."""
    return datetime.combine(
        submission_date + timedelta(days=offset_days(step)),
        time.fromisoformat(step.time),
        tzinfo=wg_zone(),
    )


def offset_days(step: StepIn) -> int:
    """Days from the submission day. The rules write the review weeks for a Friday deadline
    ("Week 1, Friday"); a round submitting on another day keeps the same distances."""
    if step.weekday is None:
        return 7 * step.weeks
    return 7 * step.weeks + WEEKDAYS.index(step.weekday) - WEEKDAYS.index(SUBMISSION_WEEKDAY)


def plan(submission_date: date, steps: Any = None) -> list[PlannedMilestone]:
    return [
        PlannedMilestone(
            step=s, position=i, due_at=due_at(s, submission_date), submission_date=submission_date
        )
        for i, s in enumerate(steps if steps is not None else template())
    ]
