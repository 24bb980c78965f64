"""The benchmark catalogue and the rounds of results.

The roadmap work (milestones, proposals, votes, rule documents) grows this app; what is here is
what submissions need: a round, its official checker ruleset and its benchmarks.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class Benchmark(models.Model):
    """A benchmark of the suite, named as the MLPerf logger names it (e.g. ``llama2_70b_lora``)."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    area = models.CharField(max_length=50, blank=True)
    task = models.CharField(max_length=200)
    dataset = models.CharField(max_length=200, blank=True)
    quality_target = models.CharField(
        max_length=200, blank=True, help_text="Closed-division target"
    )
    reference_repo = models.URLField(blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """A results round, e.g. v6.1 checked with the official ruleset 6.1.0."""

    name = models.CharField(max_length=20, unique=True, help_text="E.g. 'v6.1'")
    ruleset = models.CharField(max_length=20, help_text="Official checker ruleset, e.g. '6.1.0'")
    submission_date = models.DateField(
        null=True, blank=True, help_text="The planned submission day"
    )
    publication_date = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set when a chair publishes the results"
    )
    benchmarks = models.ManyToManyField(
        Benchmark, through="BenchmarkVersion", related_name="rounds"
    )

    class Meta:
        ordering = ["-name"]

    def __str__(self) -> str:
        return f"MLPerf Training {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("submissions:round-detail", args=[self.name])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class BenchmarkVersion(models.Model):
    """A benchmark as it is in one round; the run count comes from the official package."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="benchmark_versions")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="versions")
    runs_required = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["benchmark__slug"]
        constraints = [
            models.UniqueConstraint(fields=["round", "benchmark"], name="one_version_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.benchmark.slug} ({self.round.name})"
