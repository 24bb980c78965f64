"""A round's milestones: the roadmap steps (T-28 weeks … T-0) and the review weeks after it."""

from __future__ import annotations

from datetime import datetime

from django.db import models

from roadmap.models.catalogue import Round, RoundStatus
from wg.models import Person


class MilestonePhase(models.TextChoices):
    PLANNING = "planning", "Roadmap"
    DEVELOPMENT = "development", "Reference development"
    SUBMISSION = "submission", "Submission"
    REVIEW = "review", "Review"
    PUBLICATION = "publication", "Publication"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class Milestone(models.Model):
    """One step of a round's schedule, generated from ``data/milestones.yaml`` and then edited
    by the chairs. ``due_at`` is stored in UTC and entered and shown in US Pacific time."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="milestones")
    key = models.SlugField(max_length=60, help_text="The template step it came from")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    when = models.CharField(max_length=40, help_text="E.g. 'T-28 weeks' or 'Week 1, Friday'")
    phase = models.CharField(max_length=20, choices=MilestonePhase.choices)
    advances_to = models.CharField(
        max_length=20,
        choices=RoundStatus.choices,
        blank=True,
        help_text="Once due, the round moves on to this phase",
    )
    owner = models.CharField(max_length=100, help_text="Who delivers it, e.g. 'Submitters'")
    owner_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PLANNED,
        editable=False,
    )
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_at", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="one_milestone_per_step")
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.round.name}: {self.title}"

    def is_overdue(self, now: datetime) -> bool:
        return self.status == MilestoneStatus.PLANNED and self.due_at < now
