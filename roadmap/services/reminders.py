"""Reminding the organisations that have not voted, a day and an hour before a vote closes.

Which reminders are due is computed here and recorded as ``VoteReminder`` rows, unique per
vote, organisation and kind (the vote's page lists them); the messages go through the
notification outbox (``roadmap.notifications.vote_reminded``) in the same transaction, to the
people who can cast the organisation's ballot, with an event key per vote, organisation and
kind. Either uniqueness alone keeps a reminder from going out twice however often beat runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from roadmap import notifications
from roadmap.electorate import ballot_holders
from roadmap.models import ReminderKind, Vote, VoteReminder, VoteStatus
from wg.models import NotificationStatus, Person

WINDOWS = {ReminderKind.DAY: timedelta(days=1), ReminderKind.HOUR: timedelta(hours=1)}


@dataclass(frozen=True)
class ReminderDue:
    vote_id: int
    organization_id: int
    kind: str


def vote_reminders_due(*, now: datetime | None = None) -> list[ReminderDue]:
    """The reminders to send now: for each open vote within a day (or an hour) of closing,
    each organisation of its electorate without a ballot that has not had this reminder.

    Only the nearest kind is due: a vote first seen an hour before closing gets the hour
    reminder, not a late day reminder too. A vote opened inside a window gets no reminder of
    that kind (the opening announcement said it all).
    """
    now = now or timezone.now()
    due: list[ReminderDue] = []
    votes = Vote.objects.filter(
        status=VoteStatus.OPEN, closes_at__gt=now, closes_at__lte=now + WINDOWS[ReminderKind.DAY]
    )
    for vote in votes:
        left = vote.closes_at - now
        kind = ReminderKind.HOUR if left <= WINDOWS[ReminderKind.HOUR] else ReminderKind.DAY
        if vote.closes_at - vote.opens_at <= WINDOWS[kind]:
            continue
        voted = set(vote.ballots.values_list("voting_organization_id", flat=True))
        reminded = set(vote.reminders.filter(kind=kind).values_list("organization_id", flat=True))
        for org_id in vote.elector_rows.values_list("organization_id", flat=True).order_by(
            "organization__slug"
        ):
            if org_id not in voted and org_id not in reminded:
                due.append(ReminderDue(vote.pk, org_id, kind))
    return due


def vote_reminders_send(*, now: datetime | None = None) -> list[VoteReminder]:
    """Record every due reminder and write its messages to the outbox (run by beat every
    minute). The outbox sends them once this transaction commits, honouring each person's
    choice for votes (immediately, in the daily digest, never). ``recipients`` keeps the
    addresses a message was written for (not those who turned votes off)."""
    now = now or timezone.now()
    holders: dict[int, dict[int, list[Person]]] = {}
    sent = []
    for item in vote_reminders_due(now=now):
        with transaction.atomic():
            # The vote's row lock orders this against ballots and closing: an organisation
            # that votes while beat runs is either counted as voted here, or reminded first.
            vote = Vote.objects.select_for_update().get(pk=item.vote_id)
            if (
                vote.status != VoteStatus.OPEN
                or vote.ballots.filter(voting_organization_id=item.organization_id).exists()
            ):
                continue
            reminder, created = VoteReminder.objects.get_or_create(
                vote=vote, organization_id=item.organization_id, kind=item.kind,
                defaults={"sent_at": now},
            )  # fmt: skip
            if not created:
                continue  # another beat run reminded this organisation meanwhile
            if vote.pk not in holders:
                holders[vote.pk] = ballot_holders(vote=vote)
            rows = notifications.vote_reminded(
                vote=vote,
                organization=reminder.organization,
                kind=item.kind,
                people=holders[vote.pk].get(item.organization_id, []),
            )
            reminder.recipients = sorted(
                {n.email for n in rows if n.status != NotificationStatus.SKIPPED}
            )
            reminder.save(update_fields=["recipients"])
            sent.append(reminder)
    return sent
