"""The roadmap's periodic tasks, declared here and merged into ``CELERY_BEAT_SCHEDULE`` by the
settings. Plain data: importing it loads nothing of Django or Celery."""

from __future__ import annotations

from typing import Any

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # A vote closes within a minute of its closing time; so does a call for objections.
    "roadmap-close-due": {
        "task": "roadmap.close_due",
        "schedule": 60.0,
        "options": {"queue": "control", "expires": 55},
    },
    # Reminders a day and an hour before closing; each is recorded once, so running often
    # only makes them punctual.
    "roadmap-remind-voters": {
        "task": "roadmap.remind_voters",
        "schedule": 60.0,
        "options": {"queue": "control", "expires": 55},
    },
    "roadmap-advance-rounds": {
        "task": "roadmap.advance_rounds",
        "schedule": 15 * 60.0,
        "options": {"queue": "control", "expires": 14 * 60},
    },
}
