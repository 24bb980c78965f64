from datetime import datetime

from django import template

from core.timezones import format_wg_time, to_wg_time

register = template.Library()


@register.filter
def wg_time(value: datetime) -> str:
    """A moment in the working group's time zone, e.g. 'Thu 3 Dec 2026, 08:30 PST'."""
    return format_wg_time(value) if value else ""


@register.filter
def wg_clock(value: datetime) -> str:
    """Only the clock time in the working group's zone, e.g. '10:00 PST'."""
    if not value:
        return ""
    local = to_wg_time(value)
    return f"{local:%H:%M} {local.tzname()}"


@register.filter
def wg_time_seconds(value: datetime) -> str:
    """Like ``wg_time`` to the second, for deadlines and receipts."""
    return format_wg_time(value, seconds=True) if value else ""
