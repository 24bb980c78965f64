"""Reads of meetings and resources, already filtered by what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from meetings.models import MeetingSeries, Resource
from meetings.recurrence import next_occurrences
from wg.models import WorkingGroup
from wg.permissions import is_member, resource_visibility_q


def resource_list_for_user(*, user: Any, working_group: WorkingGroup) -> QuerySet[Resource]:
    return (
        Resource.objects.filter(working_group=working_group)
        .filter(resource_visibility_q(user))
        .select_related("organization", "round")
    )


@dataclass(frozen=True)
class NextMeeting:
    series: MeetingSeries
    starts_at: datetime
    ends_at: datetime
    join_url: str  # empty unless the viewer is a member


def next_meeting(*, user: Any, working_group: WorkingGroup, now: datetime) -> NextMeeting | None:
    """The soonest upcoming occurrence over all of the group's series (a meeting already in
    progress counts until it ends)."""
    best: NextMeeting | None = None
    for series in MeetingSeries.objects.filter(working_group=working_group):
        duration = series.duration_minutes
        found = next_occurrences(series, after=now - timedelta(minutes=duration), count=1)
        if not found:
            continue
        start = found[0]
        if best is None or start < best.starts_at:
            best = NextMeeting(
                series=series,
                starts_at=start,
                ends_at=start + timedelta(minutes=duration),
                join_url=series.join_url if is_member(user) else "",
            )
    return best
