"""Proposals to change the roadmap or the rules, with their links, comments and concerns."""

from __future__ import annotations

import re

from django.db import models
from django.urls import reverse

from roadmap.models.catalogue import Benchmark, Round
from wg.models import Person


class ProposalKind(models.TextChoices):
    ADD_BENCHMARK = "add_benchmark", "Add a benchmark"
    RETIRE_BENCHMARK = "retire_benchmark", "Retire a benchmark"
    RULE_CHANGE = "rule_change", "Rule change"
    TARGET_CHANGE = "target_change", "Quality target or hyperparameter change"
    SCHEDULE_CHANGE = "schedule_change", "Schedule change"
    EXCEPTION = "exception", "Exception for one round"


class ProposalStatus(models.TextChoices):
    """A proposal's state. The allowed moves are data: ``roadmap.lifecycle.PROPOSAL``."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SCHEDULED = "scheduled", "Scheduled"
    IN_DISCUSSION = "in_discussion", "In discussion"
    CALL_FOR_OBJECTIONS = "call_for_objections", "Call for objections"
    VOTING = "voting", "Vote"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Superseded"
    IMPLEMENTED = "implemented", "Implemented"


class Proposal(models.Model):
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    status = models.CharField(
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    target_round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    benchmark = models.ForeignKey(
        Benchmark,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="The benchmark it adds, retires or changes, if any",
    )
    body = models.TextField(help_text="Markdown")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="proposals")
    person_in_charge = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals_in_charge",
    )
    watchers = models.ManyToManyField(Person, blank=True, related_name="watched_proposals")
    scheduled_for = models.DateField(
        null=True, blank=True, help_text="The meeting where it is discussed"
    )
    objections_close_at = models.DateTimeField(
        null=True, blank=True, help_text="End of the call for objections"
    )
    rule_document = models.ForeignKey(
        "roadmap.RuleDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="The rule document a rule change changes: accepting it starts a draft revision",
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("roadmap:proposal-detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"P-{self.pk}"


_GITHUB = re.compile(r"^https://github\.com/[\w.-]+/[\w.-]+/(pull|issues)/(\d+)/?$")


class LinkKind(models.TextChoices):
    PULL_REQUEST = "pull", "Pull request"
    ISSUE = "issue", "Issue"
    OTHER = "other", "Link"


class ProposalLink(models.Model):
    """A GitHub pull request or issue (or another page) that belongs to the proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=500)
    kind = models.CharField(max_length=10, choices=LinkKind.choices, editable=False)
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "url"], name="proposal_link_once")
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @staticmethod
    def kind_of(url: str) -> str:
        match = _GITHUB.match(url)
        if match is None:
            return LinkKind.OTHER
        return LinkKind.PULL_REQUEST if match.group(1) == "pull" else LinkKind.ISSUE

    @property
    def label(self) -> str:
        """E.g. 'mlcommons/training_policies#581' for a GitHub link."""
        match = _GITHUB.match(self.url)
        if match is None:
            return self.title or self.url
        repo = self.url.split("/")[3:5]
        return f"{'/'.join(repo)}#{match.group(2)}" + (f" — {self.title}" if self.title else "")


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(help_text="Markdown")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.proposal.reference}"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Concern(models.Model):
    """A named blocking concern: while it is open, the proposal cannot be accepted. Only the
    person who raised it, or a chair, resolves it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="concerns")
    title = models.CharField(max_length=200, help_text="A short name for the concern")
    body = models.TextField(blank=True, help_text="Markdown")
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN, editable=False
    )
    resolved_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]

    def __str__(self) -> str:
        return f"Concern “{self.title}” on {self.proposal.reference}"
