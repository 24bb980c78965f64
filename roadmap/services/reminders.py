"""Reminding the organisations that have not voted, a day and an hour before a vote closes.

Which reminders are due is computed here and recorded as ``VoteReminder`` rows, unique per
vote, organisation and kind, so a reminder is never sent twice however often beat runs. How a
reminder reaches people is one function, :func:`deliver_vote_reminder`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core.timezones import format_wg_time
from roadmap.electorate import VOTING_ROLES
from roadmap.models import ElectorateKind, ReminderKind, Vote, VoteReminder, VoteStatus
from wg.models import Membership, Organization, Person, Role, RoleAssignment

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
    """Record and deliver every due reminder (run by beat). Delivery happens after the row
    is committed, so a reminder that was recorded is the one that goes out."""
    now = now or timezone.now()
    sent = []
    for due in vote_reminders_due(now=now):
        vote = Vote.objects.get(pk=due.vote_id)
        organization = Organization.objects.get(pk=due.organization_id)
        with transaction.atomic():
            reminder, created = VoteReminder.objects.get_or_create(
                vote=vote,
                organization=organization,
                kind=due.kind,
                defaults={"sent_at": now, "recipients": voter_addresses(vote, organization)},
            )
            if created:
                transaction.on_commit(lambda pk=reminder.pk: deliver_vote_reminder(pk))
                sent.append(reminder)
    return sent


def voter_addresses(vote: Vote, organization: Organization) -> list[str]:
    """Who can cast ``organization``'s ballot: its voting-role holders (or submitter
    contacts, for a vote of the submitting organisations), affiliates included."""
    org_ids = _family(organization)
    if vote.electorate == ElectorateKind.MEMBERS:
        voters = RoleAssignment.objects.current().filter(role__in=VOTING_ROLES).values("person")
        people = Person.objects.filter(
            pk__in=voters,
            memberships__in=Membership.objects.current().filter(organization_id__in=org_ids),
        )
    else:
        people = Person.objects.filter(
            pk__in=RoleAssignment.objects.current()
            .filter(role=Role.SUBMITTER, organization_id__in=org_ids)
            .values("person")
        )
    addresses = []
    for person in people.select_related("user").distinct().order_by("slug"):
        address = person.primary_email or (person.user.email if person.user else "")
        if address and address not in addresses:
            addresses.append(address)
    return addresses


def _family(top: Organization) -> set[int]:
    """``top`` and its affiliates, their affiliates, and so on."""
    family, frontier = {top.pk}, {top.pk}
    while frontier:
        frontier = (
            set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - family
        )
        family |= frontier
    return family


def deliver_vote_reminder(reminder_id: int) -> None:
    """Send one reminder. The one place to point at the notification outbox."""
    reminder = VoteReminder.objects.select_related("vote", "organization").get(pk=reminder_id)
    if not reminder.recipients:
        return
    vote = reminder.vote
    when = "in an hour" if reminder.kind == ReminderKind.HOUR else "in a day"
    send_mail(
        subject=f"[MLPerf Training WG] Vote closes {when}: {vote.question}",
        message=(
            f"{reminder.organization.name} has not voted yet on:\n\n  {vote.question}\n\n"
            f"The vote closes {format_wg_time(vote.closes_at)}. One ballot per organisation; "
            f"cast it on the vote's page: {vote.get_absolute_url()}\n"
        ),
        from_email=None,
        recipient_list=reminder.recipients,
    )
