"""Occurrences of a recurring meeting, computed in the series' own time zone.

The rule is expanded on naive local times and each occurrence is then placed in the zone,
so a Thursday 08:30 Pacific meeting stays at 08:30 local across daylight-saving changes
(and therefore moves by an hour in UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr


def occurrences(
    *,
    rrule: str,
    first_date: date,
    start_time: time,
    time_zone: str,
    after: datetime,
    cancelled: frozenset[date] = frozenset(),
) -> Iterator[datetime]:
    """Yield aware start times strictly after ``after``, skipping cancelled dates."""
    zone = ZoneInfo(time_zone)
    local_after = after.astimezone(zone).replace(tzinfo=None)
    # Start the expansion a day early so an occurrence later today is not skipped.
    dtstart = datetime.combine(first_date, start_time)
    rule = rrulestr(rrule, dtstart=dtstart)
    cursor = max(dtstart, local_after - timedelta(days=1))
    for local in rule.xafter(cursor, inc=True):
        if local.date() in cancelled:
            continue
        aware = local.replace(tzinfo=zone)
        if aware > after:
            yield aware


def next_occurrences(series, *, after: datetime, count: int = 1) -> list[datetime]:
    cancelled = frozenset(date.fromisoformat(d) for d in series.cancelled_dates)
    return list(
        islice(
            occurrences(
                rrule=series.rrule,
                first_date=series.first_date,
                start_time=series.start_time,
                time_zone=series.time_zone,
                after=after,
                cancelled=cancelled,
            ),
            count,
        )
    )
