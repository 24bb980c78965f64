"""Celery tasks of the roadmap: thin, idempotent wrappers around one service each, run by beat
(see ``CELERY_BEAT_SCHEDULE`` in the settings). Each can run twice: the services re-check state under row locks."""

from __future__ import annotations

from celery import shared_task

from roadmap.services import decisions, reminders, rounds, votes

_LIMITS = {"soft_time_limit": 50, "time_limit": 60, "ignore_result": True}


@shared_task(name="roadmap.close_due", **_LIMITS)
def close_due_task() -> None:
    """Count the votes whose closing time has come and end the calls for objections that
    closed without an objection."""
    votes.votes_close_due()
    decisions.objections_close_due()


@shared_task(name="roadmap.remind_voters", **_LIMITS)
def remind_voters_task() -> None:
    reminders.vote_reminders_send()


@shared_task(name="roadmap.advance_rounds", **_LIMITS)
def advance_rounds_task() -> None:
    rounds.round_phases_advance()
