from datetime import UTC, date, datetime, time

from meetings.recurrence import occurrences

THURSDAYS = {
    "rrule": "FREQ=WEEKLY;BYDAY=TH",
    "first_date": date(2018, 1, 4),
    "start_time": time(8, 30),
    "time_zone": "America/Los_Angeles",
}


def _next(after: datetime, **kw) -> datetime:
    return next(occurrences(**THURSDAYS, after=after, **kw))


def test_next_meeting_is_the_coming_thursday_at_0830_pacific():
    start = _next(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # a Sunday
    assert start.date() == date(2026, 12, 3)
    assert (start.hour, start.minute) == (8, 30)
    assert start.astimezone(UTC).hour == 16  # PST is UTC-8


def test_meeting_keeps_its_local_time_across_daylight_saving():
    summer = _next(datetime(2026, 7, 1, tzinfo=UTC))
    winter = _next(datetime(2026, 12, 1, tzinfo=UTC))
    assert (summer.hour, winter.hour) == (8, 8)
    assert summer.astimezone(UTC).hour == 15  # PDT is UTC-7
    assert winter.astimezone(UTC).hour == 16


def test_a_meeting_later_today_is_the_next_one():
    thursday_morning_utc = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # 02:00 Pacific
    assert _next(thursday_morning_utc).date() == date(2026, 12, 3)


def test_cancelled_dates_are_skipped():
    start = _next(datetime(2026, 11, 29, tzinfo=UTC), cancelled=frozenset({date(2026, 12, 3)}))
    assert start.date() == date(2026, 12, 10)
