"""Reminders a day and an hour before a vote closes, to the people who can cast the ballot of
each organisation that has not voted, through the notification outbox, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from roadmap import notifications
from roadmap.models import Vote, VoteReminder
from roadmap.services.reminders import vote_reminders_due, vote_reminders_send
from roadmap.services.votes import ballot_cast, vote_open
from tests.factories import person_with_role
from tests.roadmap.conftest import give_address
from wg.models import Delivery, Notification, NotificationStatus, Role
from wg.notifications.digest import digests_send
from wg.notifications.preferences import preference_set


@pytest.fixture
def vote(in_discussion, chair, addresses):
    return vote_open(
        actor=chair,
        proposal=in_discussion,
        method="majority",
        closes_at=timezone.now() + timedelta(days=3),
    )


def _due(vote, before):
    return {(d.organization_id, d.kind) for d in vote_reminders_due(now=vote.closes_at - before)}


def _reminders(vote):
    """The outbox's reminder rows of ``vote``: {event key: sorted addresses}."""
    rows = Notification.objects.filter(event_key__startswith=f"roadmap.vote:{vote.pk}:reminder:")
    keys: dict[str, list[str]] = {}
    for row in rows.order_by("email"):
        keys.setdefault(row.event_key, []).append(row.email)
    return keys


def test_nothing_is_due_more_than_a_day_before_closing(vote):
    assert _due(vote, timedelta(days=1, minutes=1)) == set()


def test_a_day_before_only_the_organisations_without_a_ballot_are_reminded(vote, member, member_b):
    ballot_cast(actor=member, vote=vote, choice="yes")
    ballot_cast(actor=member_b, vote=vote, recuse=True)  # recusing is answering
    due = _due(vote, timedelta(hours=23))
    slugs = sorted(vote.electors.filter(pk__in=[o for o, _ in due]).values_list("slug", flat=True))
    assert slugs == ["chair-org", "gamma"] and {k for _, k in due} == {"day"}


def test_reminders_are_sent_through_the_outbox_once_a_day_and_once_an_hour_before(
    vote, member, eager, django_capture_on_commit_callbacks
):
    ballot_cast(actor=member, vote=vote, choice="yes")
    mail.outbox.clear()  # the vote's opening
    with django_capture_on_commit_callbacks(execute=True):
        day = vote_reminders_send(now=vote.closes_at - timedelta(hours=23))
        again = vote_reminders_send(now=vote.closes_at - timedelta(hours=22))
    assert len(day) == 3 and again == []
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chair@chair-org.example",
        "member-b@beta.example",
        "member-gamma-labs@gamma-labs.example",
    ]
    to_gamma = next(m for m in mail.outbox if m.to == ["member-gamma-labs@gamma-labs.example"])
    assert to_gamma.subject.startswith("Vote closes in a day: Gamma Group has not voted")
    assert "Gamma Group has not voted yet" in to_gamma.body
    assert f"/roadmap/votes/{vote.pk}/" in to_gamma.body
    assert to_gamma.extra_headers["X-WG-Notification"] == "roadmap.vote"
    assert "List-Unsubscribe" in to_gamma.extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        hour = vote_reminders_send(now=vote.closes_at - timedelta(minutes=50))
        vote_reminders_send(now=vote.closes_at - timedelta(minutes=10))
    assert len(hour) == 3 and len(mail.outbox) == 6
    assert VoteReminder.objects.filter(vote=vote).count() == 6
    assert len(_reminders(vote)) == 6  # one event per (organisation, offset)
    reminders = Notification.objects.filter(event_key__contains=":reminder:")
    assert set(reminders.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert vote_reminders_send(now=vote.closes_at + timedelta(minutes=1)) == []


def test_an_affiliates_people_are_reminded_with_their_top_parent_in_one_event(
    vote, member_gamma, django_capture_on_commit_callbacks
):
    give_address(member_gamma)
    vote_reminders_send(now=vote.closes_at - timedelta(hours=23))
    gamma = vote.electors.get(slug="gamma")
    assert _reminders(vote)[f"roadmap.vote:{vote.pk}:reminder:{gamma.pk}:day"] == [
        "member-gamma-labs@gamma-labs.example",
        "member-gamma@gamma.example",
    ]
    reminder = VoteReminder.objects.get(vote=vote, organization=gamma)
    assert reminder.recipients == [
        "member-gamma-labs@gamma-labs.example",
        "member-gamma@gamma.example",
    ]


def test_the_event_key_alone_keeps_a_reminder_from_going_out_twice(vote):
    """Even if the record of the reminder were lost, the outbox would not send it again."""
    vote_reminders_send(now=vote.closes_at - timedelta(hours=23))
    before = Notification.objects.count()
    VoteReminder.objects.all().delete()
    again = vote_reminders_send(now=vote.closes_at - timedelta(hours=22))
    assert len(again) == 4 and Notification.objects.count() == before
    assert all(r.recipients == [] for r in again)


def test_reminding_the_same_organisation_again_writes_nothing(vote, member_b):
    beta = vote.electors.get(slug="beta")
    people = [member_b.person]
    assert (
        len(notifications.vote_reminded(vote=vote, organization=beta, kind="day", people=people))
        == 1
    )
    assert (
        notifications.vote_reminded(vote=vote, organization=beta, kind="day", people=people) == []
    )
    assert notifications.vote_reminded(vote=vote, organization=beta, kind="hour", people=people)


def test_an_organisation_that_votes_after_the_day_reminder_gets_no_hour_reminder(vote, member_b):
    vote_reminders_send(now=vote.closes_at - timedelta(hours=20))
    ballot_cast(actor=member_b, vote=vote, choice="no")
    hour = vote_reminders_send(now=vote.closes_at - timedelta(minutes=30))
    assert "beta" not in {r.organization.slug for r in hour}
    by_offset = {"day": set(), "hour": set()}
    for key, emails in _reminders(vote).items():
        by_offset[key.rsplit(":", 1)[1]].update(emails)
    assert "member-b@beta.example" in by_offset["day"] - by_offset["hour"]


def test_a_ballot_cast_after_the_due_list_was_read_stops_the_reminder(vote, member_b, monkeypatch):
    from roadmap.services import reminders

    due = reminders.vote_reminders_due(now=vote.closes_at - timedelta(hours=23))
    ballot_cast(actor=member_b, vote=vote, choice="no")  # beat read the list before this
    monkeypatch.setattr(reminders, "vote_reminders_due", lambda now: due)
    sent = vote_reminders_send(now=vote.closes_at - timedelta(hours=23))
    assert "beta" not in {r.organization.slug for r in sent} and len(sent) == 3


def test_a_person_who_turned_votes_off_is_not_reminded_and_a_digest_reader_gets_the_digest(
    vote, member_b, member_gamma_labs, eager, django_capture_on_commit_callbacks
):
    preference_set(
        actor=member_b, person=member_b.person, kind="roadmap.vote", delivery=Delivery.NEVER
    )
    preference_set(
        actor=member_gamma_labs,
        person=member_gamma_labs.person,
        kind="roadmap.vote",
        delivery=Delivery.DAILY,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        vote_reminders_send(now=vote.closes_at - timedelta(hours=23))
    assert [m.to for m in mail.outbox] == [["member@alpha.example"], ["chair@chair-org.example"]]
    rows = {n.email: n for n in Notification.objects.filter(event_key__contains=":reminder:")}
    assert rows["member-b@beta.example"].status == NotificationStatus.SKIPPED
    assert rows["member-gamma-labs@gamma-labs.example"].status == NotificationStatus.HELD
    beta = VoteReminder.objects.get(vote=vote, organization__slug="beta")
    assert beta.recipients == []  # the only person who could vote for Beta turned votes off
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send() == 1
    (digest,) = mail.outbox
    assert digest.to == ["member-gamma-labs@gamma-labs.example"]
    assert "Vote closes in a day: Gamma Group has not voted" in digest.body


def test_a_vote_of_the_round_submitters_reminds_the_rounds_submitter_contacts_only(
    in_discussion, chair, org_a, org_b
):
    round_ = in_discussion.target_round
    for_round = person_with_role(Role.SUBMITTER, org_a, round_name=round_.name)
    other_round = person_with_role(Role.SUBMITTER, org_a, round_name="v1.0")
    any_round = person_with_role(Role.SUBMITTER, org_b)
    for person in (for_round, other_round, any_round):
        person.emails = [f"{person.slug}@example.org"]
        person.save()
    vote = vote_open(
        actor=chair,
        proposal=in_discussion,
        method="majority",
        electorate="round_submitters",
        closes_at=timezone.now() + timedelta(days=3),
    )
    vote_reminders_send(now=vote.closes_at - timedelta(hours=2))
    reminded = {e for emails in _reminders(vote).values() for e in emails}
    assert reminded == {f"{for_round.slug}@example.org", f"{any_round.slug}@example.org"}


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


def test_a_closed_vote_reminds_nobody(vote):
    Vote.objects.filter(pk=vote.pk).update(status="closed")
    assert vote_reminders_send(now=vote.closes_at - timedelta(hours=2)) == []
    assert _reminders(vote) == {}


def test_the_beat_schedule_runs_the_reminders_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["roadmap-remind-voters"]
    assert (entry["task"], entry["schedule"]) == ("roadmap.remind_voters", 60.0)
    from config.celery import app

    app.loader.import_default_modules()
    assert {"roadmap.remind_voters", "roadmap.close_due", "roadmap.advance_rounds"} <= set(
        app.tasks
    )
