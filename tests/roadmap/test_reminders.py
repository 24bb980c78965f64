"""Reminders a day and an hour before a vote closes, to organisations that have not voted,
never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from roadmap.models import VoteReminder
from roadmap.services.reminders import vote_reminders_due, vote_reminders_send
from roadmap.services.votes import ballot_cast, vote_open


@pytest.fixture
def vote(in_discussion, chair, member, member_b, member_gamma_labs):
    for user, address in (
        (member, "ada@alpha.example"),
        (member_b, "bo@beta.example"),
        (member_gamma_labs, "gl@gamma-labs.example"),
        (chair, "chair@chair-org.example"),
    ):
        user.person.emails = [address]
        user.person.save()
    return vote_open(
        actor=chair,
        proposal=in_discussion,
        method="majority",
        closes_at=timezone.now() + timedelta(days=3),
    )


def _due(vote, before):
    return {(d.organization_id, d.kind) for d in vote_reminders_due(now=vote.closes_at - before)}


def test_nothing_is_due_more_than_a_day_before_closing(vote):
    assert _due(vote, timedelta(days=1, minutes=1)) == set()


def test_a_day_before_only_the_organisations_without_a_ballot_are_reminded(vote, member, member_b):
    ballot_cast(actor=member, vote=vote, choice="yes")
    ballot_cast(actor=member_b, vote=vote, recuse=True)  # recusing is answering
    due = _due(vote, timedelta(hours=23))
    slugs = sorted(vote.electors.filter(pk__in=[o for o, _ in due]).values_list("slug", flat=True))
    assert slugs == ["chair-org", "gamma"] and {k for _, k in due} == {"day"}


def test_reminders_are_sent_once_a_day_and_once_an_hour_before(
    vote, member, django_capture_on_commit_callbacks
):
    ballot_cast(actor=member, vote=vote, choice="yes")
    with django_capture_on_commit_callbacks(execute=True):
        day = vote_reminders_send(now=vote.closes_at - timedelta(hours=23))
        again = vote_reminders_send(now=vote.closes_at - timedelta(hours=22))
    assert len(day) == 3 and again == []
    assert len(mail.outbox) == 3
    to_gamma = next(m for m in mail.outbox if "gl@gamma-labs.example" in m.to)
    assert "Vote closes in a day" in to_gamma.subject and "Gamma Group" in to_gamma.body
    with django_capture_on_commit_callbacks(execute=True):
        hour = vote_reminders_send(now=vote.closes_at - timedelta(minutes=50))
        vote_reminders_send(now=vote.closes_at - timedelta(minutes=10))
    assert len(hour) == 3 and len(mail.outbox) == 6
    assert VoteReminder.objects.filter(vote=vote).count() == 6
    assert vote_reminders_send(now=vote.closes_at + timedelta(minutes=1)) == []


def test_an_organisation_that_votes_after_the_day_reminder_gets_no_hour_reminder(
    vote, member_b, django_capture_on_commit_callbacks
):
    vote_reminders_send(now=vote.closes_at - timedelta(hours=20))
    ballot_cast(actor=member_b, vote=vote, choice="no")
    hour = vote_reminders_send(now=vote.closes_at - timedelta(minutes=30))
    assert "beta" not in {r.organization.slug for r in hour}


def test_a_vote_opened_less_than_a_day_before_closing_gets_no_day_reminder(
    in_discussion, chair, member
):
    vote = vote_open(
        actor=chair,
        proposal=in_discussion,
        method="majority",
        closes_at=timezone.now() + timedelta(hours=5),
    )
    assert vote_reminders_due(now=vote.closes_at - timedelta(hours=4)) == []
    assert {d.kind for d in vote_reminders_due(now=vote.closes_at - timedelta(minutes=30))} == {
        "hour"
    }


def test_the_beat_schedule_runs_the_reminders_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["roadmap-remind-voters"]
    assert (entry["task"], entry["schedule"]) == ("roadmap.remind_voters", 60.0)
    from config.celery import app

    app.loader.import_default_modules()
    assert {"roadmap.remind_voters", "roadmap.close_due", "roadmap.advance_rounds"} <= set(
        app.tasks
    )
