"""Decisions: what the working group decided, how, and where it is written down.

A decision is cited by its reference (``D-2026-004``) and its URL; rule revisions, exceptions
and minutes point at it with a foreign key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from roadmap.models.catalogue import Round
from roadmap.models.proposals import Proposal


class DecisionMethod(models.TextChoices):
    CONSENSUS = "consensus", "Consensus"
    CALL_FOR_OBJECTIONS = "call_for_objections", "Call for objections"
    VOTE = "vote", "Vote"


class DecisionOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    SUPERSEDED = "superseded", "Superseded"


class TieBreak(models.TextChoices):
    """The MLCommons tie-break chain, in order."""

    REVIEW_CHAIR = "review_chair", "The review chair (not a submitter)"
    CHAIRS = "chairs", "The non-submitting working-group chairs"
    DRAW = "draw", "A random draw"


class Decision(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    method = models.CharField(max_length=20, choices=DecisionMethod.choices)
    text = models.TextField(help_text="The decision as recorded (Markdown)")
    tally = models.JSONField(null=True, blank=True, help_text="The vote's count, if voted")
    vote = models.OneToOneField(
        "roadmap.Vote", null=True, blank=True, on_delete=models.PROTECT, related_name="decision"
    )
    tie_break = models.CharField(max_length=20, choices=TieBreak.choices, blank=True)
    objections_closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the call for objections closed"
    )
    # The weekly meeting is a date until meetings are stored one row per occurrence; then this
    # becomes a lazy foreign key to that model.
    meeting_on = models.DateField(null=True, blank=True, help_text="The meeting, if any")
    decided_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("roadmap:decision-detail", args=[self.reference])


class DecisionLink(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=500)
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title or self.url
