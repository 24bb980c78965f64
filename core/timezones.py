"""The working group's clock: deadlines and meetings are defined in US Pacific time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings


def wg_zone() -> ZoneInfo:
    return ZoneInfo(settings.WG_TIME_ZONE)


def to_wg_time(moment: datetime) -> datetime:
    return moment.astimezone(wg_zone())


def format_wg_time(moment: datetime, *, seconds: bool = False) -> str:
    """E.g. 'Thu 3 Dec 2026, 08:30 PST' — the abbreviation tells PST from PDT. With
    ``seconds`` (deadlines in refusals, where the second matters): '08:30:00 PST'."""
    local = to_wg_time(moment)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b %Y}, {clock} {local.tzname()}"
