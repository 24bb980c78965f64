"""Meeting series and resources from ``data/working_group.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from pydantic import field_validator

from core.audit import upsert_with_audit
from core.datafile import Strict, parse_entries
from meetings.models import MeetingSeries, Resource
from wg.models import Organization, Visibility, WorkingGroup


class MeetingSeriesIn(Strict):
    slug: str
    name: str
    rrule: str
    first_date: date = date(2018, 1, 4)
    start_time: time
    duration_minutes: int
    time_zone: str
    join_url: str = ""
    description: str = ""

    @field_validator("rrule")
    @classmethod
    def _valid_rrule(cls, value: str) -> str:
        try:
            rrulestr(value)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not a valid RRULE ({exc})") from None
        return value

    @field_validator("time_zone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class ResourceIn(Strict):
    slug: str
    title: str
    url: str = ""
    description: str = ""
    visibility: Visibility
    organization: str | None = None


@dataclass(frozen=True)
class MeetingsData:
    series: list[MeetingSeriesIn]
    resources: list[ResourceIn]


def parse(source: str, doc: dict[str, Any]) -> MeetingsData:
    return MeetingsData(
        series=parse_entries(source, doc, "meetings", MeetingSeriesIn),
        resources=parse_entries(source, doc, "resources", ResourceIn),
    )


def apply(data: MeetingsData, *, working_group: WorkingGroup, actor: Any = None) -> None:
    """Write series and resources; the caller holds the transaction."""
    for s in data.series:
        upsert_with_audit(
            MeetingSeries,
            actor=actor,
            lookup={"slug": s.slug},
            values={"working_group": working_group, **s.model_dump(exclude={"slug"})},
        )
    for position, r in enumerate(data.resources):
        org = Organization.objects.get(slug=r.organization) if r.organization else None
        upsert_with_audit(
            Resource,
            actor=actor,
            lookup={"slug": r.slug},
            values={
                "working_group": working_group,
                "title": r.title,
                "url": r.url,
                "description": r.description,
                "visibility": r.visibility,
                "organization": org,
                "position": position,
            },
        )
