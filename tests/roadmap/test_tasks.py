"""The roadmap's beat tasks in a real worker process, on the configured broker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from roadmap.models import Decision, Proposal, Round, Vote, VoteReminder
from roadmap.services.votes import ballot_cast, vote_open
from tests.workers import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_closes_due_votes_reminds_voters_and_advances_rounds(
    in_discussion, chair, member, member_b
):
    vote = vote_open(
        actor=chair,
        proposal=in_discussion,
        method="majority",
        closes_at=timezone.now() + timedelta(days=2),
    )
    ballot_cast(actor=member, vote=vote, choice="no")
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - timedelta(days=2),
        closes_at=timezone.now() + timedelta(minutes=45),
    )
    round_ = in_discussion.target_round
    round_.milestones.filter(key="model-frozen").update(due_at=timezone.now() - timedelta(days=1))
    with celery_worker(["control"]):
        app.send_task("roadmap.remind_voters", queue="control")
        app.send_task("roadmap.advance_rounds", queue="control")
        wait_for(lambda: VoteReminder.objects.count() == 2, message="two reminders")
        wait_for(
            lambda: Round.objects.get(pk=round_.pk).status == "development",
            message="the round moving on",
        )
        Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
        app.send_task("roadmap.close_due", queue="control")
        decision = wait_for(lambda: Decision.objects.first(), message="the vote's decision")
    assert sorted(VoteReminder.objects.values_list("organization__slug", flat=True)) == [
        "beta",
        "chair-org",
    ]
    assert (decision.outcome, decision.method) == ("rejected", "vote")
    assert Proposal.objects.get(pk=in_discussion.pk).status == "rejected"
