"""The published results of a round: a snapshot taken when a chair publishes it."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from roadmap.models import Round
from submissions import paths
from submissions.models.intake import SubmissionVersion
from wg.models import Organization


class Category(models.TextChoices):
    """The results categories of the rules, as the published tables group them."""

    AVAILABLE = "available", "Available"
    PREVIEW = "preview", "Preview"
    RESEARCH = "research", "Research"
    UNKNOWN = "", "Unknown"


class PublishedSystem(models.Model):
    """One row of a published results table: a system of an organisation in one division, with
    the columns of the official tables and a stable ID (e.g. ``5.1-0001``)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="published_systems")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="published_systems"
    )
    result_id = models.CharField(max_length=20, help_text="E.g. 5.1-0001, in the tables' order")
    system = models.CharField(max_length=255, help_text="The system description's file name")
    division = models.CharField(max_length=20)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    availability = models.CharField(max_length=100, help_text="The official category name")
    system_name = models.CharField(max_length=300)
    number_of_nodes = models.PositiveIntegerField(null=True, blank=True)
    host_processor = models.CharField(max_length=300, blank=True)
    host_processors = models.PositiveIntegerField(null=True, blank=True)
    accelerator = models.CharField(max_length=300, blank=True)
    accelerators = models.PositiveIntegerField(null=True, blank=True)
    framework = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    description_version = models.ForeignKey(
        SubmissionVersion,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version whose systems/<system>.json is published",
    )

    class Meta:
        ordering = ["round", "result_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "result_id"], name="one_result_id_per_round"),
            models.UniqueConstraint(
                fields=["round", "organization", "system", "division"],
                name="one_row_per_system_and_division",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result_id} {self.system_name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "submissions:results-system",
            args=[self.round.name, self.organization.slug, self.system],
        )

    @property
    def description_url(self) -> str:
        path = paths.system_description(self.system, org_folder=self.description_version.org_folder)
        return reverse(
            "submissions:results-file",
            args=[self.round.name, self.organization.slug, self.system, path],
        )


class PublishedResult(models.Model):
    """One (system, benchmark) score as published. Rows exist only for published rounds, so
    everything public reads these and never the embargoed submission tables."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="published_results")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="published_results"
    )
    row = models.ForeignKey(
        PublishedSystem, on_delete=models.PROTECT, related_name="results", null=True
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
