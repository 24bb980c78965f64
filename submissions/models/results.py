"""The published results of a round: a snapshot taken when a chair publishes it."""

from __future__ import annotations

from django.db import models

from roadmap.models import Round
from submissions.models.intake import SubmissionVersion
from wg.models import Organization


class PublishedResult(models.Model):
    """One (system, benchmark) score as published. Rows exist only for published rounds, so
    everything public reads these and never the embargoed submission tables."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="published_results")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="published_results"
    )
    version = models.ForeignKey(
        SubmissionVersion, on_delete=models.PROTECT, related_name="published_results"
    )
    system = models.CharField(max_length=255, help_text="The system description's file name")
    system_name = models.CharField(max_length=300)
    division = models.CharField(max_length=20)
    availability = models.CharField(max_length=100)
    accelerator_model = models.CharField(max_length=200, blank=True)
    accelerators = models.PositiveIntegerField(null=True, blank=True)
    benchmark = models.CharField(max_length=100)
    score_minutes = models.FloatField()
    scaling_factor = models.FloatField(default=1.0)

    class Meta:
        ordering = ["round", "division", "organization__name", "system", "benchmark"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "version", "system", "benchmark"], name="one_published_score"
            )
        ]
        indexes = [models.Index(fields=["benchmark", "round"])]

    def __str__(self) -> str:
        return f"{self.round.name} {self.system}/{self.benchmark}: {self.score_minutes:.2f} min"
