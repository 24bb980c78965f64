"""Votes of the member organisations: one vote per organisation, ballots open, electorate fixed
when the vote opens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from roadmap.models.catalogue import Round
from roadmap.models.proposals import Proposal
from wg.models import Organization, Person


class VoteMethod(models.TextChoices):
    MAJORITY = "majority", "Simple majority"
    TWO_THIRDS = "two_thirds", "Two-thirds, rounded up"
    CONDORCET = "condorcet", "Condorcet (minimax)"


class ElectorateKind(models.TextChoices):
    MEMBERS = "members", "Working-group member organisations"
    ROUND_SUBMITTERS = "round_submitters", "The round's submitting organisations"


class VoteStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class Vote(models.Model):
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    question = models.CharField(max_length=300)
    method = models.CharField(max_length=20, choices=VoteMethod.choices)
    options = models.JSONField(help_text="Option names; for two options the proposal first")
    electorate = models.CharField(max_length=20, choices=ElectorateKind.choices)
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    quorum = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Fraction of the electorate that must cast a ballot",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=VoteStatus.choices, default=VoteStatus.OPEN, editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    tally = models.JSONField(null=True, blank=True, editable=False)
    electors = models.ManyToManyField(
        Organization, through="VoteElector", related_name="votes_eligible"
    )

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="vote_closes_after_it_opens",
            )
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return f"Vote {self.pk}: {self.question}"

    def get_absolute_url(self) -> str:
        return reverse("roadmap:vote-detail", args=[self.pk])


class VoteElector(models.Model):
    """A voting organisation (a top parent) of the electorate, fixed when the vote opened."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="elector_rows")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "organization"], name="one_elector_row")
        ]

    def __str__(self) -> str:
        return f"{self.organization} in vote {self.vote_id}"


class Ballot(models.Model):
    """A ballot as cast. Ballots are never changed: a later one of the same voting
    organisation replaces the earlier one when the vote is counted."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", help_text="As the person acted"
    )
    voting_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", help_text="Its top parent"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(max_length=100, blank=True)
    ranking = models.JSONField(null=True, blank=True)
    recuse = models.BooleanField(default=False)
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["cast_at", "pk"]

    def __str__(self) -> str:
        return f"Ballot of {self.voting_organization} in vote {self.vote_id}"

    @property
    def summary(self) -> str:
        if self.recuse:
            return "recused"
        if self.ranking is not None:
            return " > ".join(self.ranking) if self.ranking else "no preference"
        return self.choice


class ReminderKind(models.TextChoices):
    DAY = "day", "A day before closing"
    HOUR = "hour", "An hour before closing"


class VoteReminder(models.Model):
    """A reminder sent to an organisation that had not voted. Unique, so never sent twice."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="reminders")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()
    recipients = models.JSONField(default=list, help_text="Addresses it went to")

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "organization", "kind"], name="one_reminder_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.organization} for vote {self.vote_id}"
