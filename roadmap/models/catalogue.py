"""The benchmark catalogue and the rounds: a round, its official checker ruleset, its
benchmarks (with the target and run count of that ruleset) and its lifecycle status."""

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


class RoundStatus(models.TextChoices):
    """A round's phase. Allowed moves are in ``roadmap.lifecycle.ROUND``; only services move it."""

    PLANNING = "planning", "Planning the roadmap"
    DEVELOPMENT = "development", "Reference development"
    SUBMISSION = "submission", "Submission"
    REVIEW = "review", "Review"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_ROUND_STATUSES = (
    RoundStatus.PLANNING,
    RoundStatus.DEVELOPMENT,
    RoundStatus.SUBMISSION,
    RoundStatus.REVIEW,
)


class Round(models.Model):
    """A results round, e.g. v6.1 checked with the official ruleset 6.1.0."""

    name = models.CharField(max_length=20, unique=True, help_text="E.g. 'v6.1'")
    ruleset = models.CharField(max_length=20, help_text="Official checker ruleset, e.g. '6.1.0'")
    submission_date = models.DateField(
        null=True, blank=True, help_text="The planned submission day"
    )
    publication_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RoundStatus.choices, default=RoundStatus.PLANNING, editable=False
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set when a chair publishes the results"
    )
    benchmarks = models.ManyToManyField(
        Benchmark, through="BenchmarkVersion", related_name="rounds"
    )

    class Meta:
        ordering = ["-name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status=RoundStatus.PUBLISHED, published_at__isnull=False)
                    | (
                        ~models.Q(status=RoundStatus.PUBLISHED)
                        & models.Q(published_at__isnull=True)
                    )
                ),
                name="round_published_iff_published_at",
            )
        ]

    def __str__(self) -> str:
        return f"MLPerf Training {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("submissions:round-detail", args=[self.name])

    def get_roadmap_url(self) -> str:
        return reverse("roadmap:round-detail", args=[self.name])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ROUND_STATUSES

    @property
    def version(self) -> tuple[int, ...]:
        """The ruleset as numbers, for ordering rounds (``v10.0`` after ``v9.1``)."""
        return tuple(int(p) for p in self.ruleset.split(".") if p.isdigit())

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_cancelled(self) -> bool:
        """A cancelled round takes no submissions and announces nothing."""
        return self.status == RoundStatus.CANCELLED


class BenchmarkVersion(models.Model):
    """A benchmark as it is in one round; the run count comes from the official package."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="benchmark_versions")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="versions")
    runs_required = models.PositiveSmallIntegerField()
    target = models.CharField(
        max_length=200,
        blank=True,
        help_text="Closed-division quality target as the round's ruleset checks it",
    )

    class Meta:
        ordering = ["benchmark__slug"]
        constraints = [
            models.UniqueConstraint(fields=["round", "benchmark"], name="one_version_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.benchmark.slug} ({self.round.name})"
