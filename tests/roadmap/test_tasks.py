"""The roadmap's beat tasks in a real worker process, on the configured broker: reminders
leave through the outbox and Django's SMTP backend, to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.db import close_old_connections
from django.utils import timezone

from config.celery import app
from roadmap.models import Decision, Proposal, Round, Vote, VoteReminder
from roadmap.services.votes import ballot_cast, vote_open
from tests.workers import celery_worker, wait_for
from wg.models import Notification, NotificationStatus

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _smtp_env(port: int) -> dict[str, str]:
    return {
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
    }


def _sent(event_part: str) -> list[Notification]:
    close_old_connections()
    return list(
        Notification.objects.filter(
            event_key__contains=event_part, status=NotificationStatus.SENT
        ).order_by("email")
    )


def _subject(message) -> str:
    """The subject as written (headers are folded, and encoded when not ASCII)."""
    return " ".join(str(make_header(decode_header(message["Subject"]))).split())


def test_a_worker_closes_due_votes_reminds_voters_and_advances_rounds(
    in_discussion, chair, member, member_b, addresses, smtp
):
    recorder, port = smtp
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
    with celery_worker(["control"], extra_env=_smtp_env(port)) as worker:
        for _ in range(2):  # beat runs it every minute: the second run sends nothing more
            app.send_task("roadmap.remind_voters", queue="control")
        app.send_task("roadmap.advance_rounds", queue="control")
        sent = wait_for(
            lambda: len(_sent(":reminder:")) == 3 and _sent(":reminder:"),
            timeout=60,
            message="three reminders sent",
            logs=[worker],
        )
        wait_for(
            lambda: Round.objects.get(pk=round_.pk).status == "development",
            message="the round moving on",
        )
        Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
        app.send_task("roadmap.close_due", queue="control")
        decision = wait_for(lambda: Decision.objects.first(), message="the vote's decision")
        wait_for(lambda: len(_sent(":closed")) == 4, timeout=60, message="the result sent")
    assert sorted(VoteReminder.objects.values_list("organization__slug", flat=True)) == [
        "beta",
        "chair-org",
        "gamma",
    ]
    assert [n.email for n in sent] == [
        "chair@chair-org.example",
        "member-b@beta.example",
        "member-gamma-labs@gamma-labs.example",
    ]
    to_beta = {_subject(m): m for m in recorder.to("member-b@beta.example")}
    reminder = to_beta[f"Vote closes in an hour: Beta Compute has not voted on {vote.question}"]
    assert reminder["X-WG-Notification"] == "roadmap.vote"
    assert len(recorder.to("member-b@beta.example")) == 3  # the opening, the reminder, the result
    assert Notification.objects.filter(event_key__contains=":reminder:").count() == 3
    assert (decision.outcome, decision.method) == ("rejected", "vote")
    assert Proposal.objects.get(pk=in_discussion.pk).status == "rejected"
    results = [_subject(m) for m in recorder.to("member@alpha.example")]
    assert [s for s in results if s.startswith("Vote closed")] == [
        f"Vote closed: {vote.question} — “no” wins"
    ]
