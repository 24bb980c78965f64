"""The working group's clock: deadlines and meetings are defined in US Pacific time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings


def wg_zone() -> ZoneInfo:
    return ZoneInfo(settings.WG_TIME_ZONE)


def to_wg_time(moment: datetime) -> datetime:
    return moment.astimezone(wg_zone())


def format_wg_time(moment: datetime) -> str:
    """E.g. 'Thu 3 Dec 2026, 08:30 PST' — the abbreviation tells PST from PDT."""
    local = to_wg_time(moment)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"
