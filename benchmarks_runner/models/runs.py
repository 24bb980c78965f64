"""Benchmark runs, their attempts and their artifacts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from benchmarks_runner.models.hosts import HardwareProfile, WorkerHost


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    CLAIMED = "claimed", "Claimed"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    LOST = "lost", "Lost"
    EXPIRED = "expired", "Expired"


class FailureKind(models.TextChoices):
    """Why an attempt did not succeed."""

    BENCHMARK = "benchmark", "Benchmark failure"
    INFRASTRUCTURE = "infrastructure", "Infrastructure failure"
    TIMEOUT = "timeout", "Wall-clock limit reached"
    CANCELLED = "cancelled", "Cancelled"
    LOST = "lost", "Runner lost"


FINAL_STATUSES = frozenset(
    {RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.LOST, RunStatus.EXPIRED}
)
ACTIVE_STATUSES = frozenset({RunStatus.CLAIMED, RunStatus.RUNNING})


class Run(models.Model):
    """A request to run a benchmark on a hardware class or a named host.

    The lifecycle is the one table below; services change ``status`` only along it, each
    change with a conditional update and an audit event. A lost run, or one whose attempt
    failed for a reason of infrastructure, goes back to QUEUED while attempts remain.
    """

    TRANSITIONS: dict[str, frozenset[str]] = {
        RunStatus.QUEUED: frozenset({RunStatus.CLAIMED, RunStatus.CANCELLED, RunStatus.EXPIRED}),
        RunStatus.CLAIMED: frozenset(
            {RunStatus.RUNNING, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.LOST}
        ),
        RunStatus.RUNNING: frozenset(
            {RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.LOST}
        ),
        RunStatus.LOST: frozenset({RunStatus.QUEUED}),
        RunStatus.FAILED: frozenset({RunStatus.QUEUED}),
        RunStatus.SUCCEEDED: frozenset(),
        RunStatus.CANCELLED: frozenset(),
        RunStatus.EXPIRED: frozenset(),
    }

    benchmark = models.SlugField(max_length=80, help_text="A runnable benchmark's slug")
    hardware_class = models.SlugField(max_length=40)
    target_host = models.ForeignKey(
        WorkerHost,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targeted_runs",
        help_text="Set when the run asks for one named host",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reproduces = models.ForeignKey(
        "submissions.Score",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reproductions",
        help_text="The submitted result this run reproduces",
    )
    ruleset = models.CharField(max_length=40, help_text="The rules its log is checked against")
    wall_clock_limit_s = models.PositiveIntegerField()
    max_attempts = models.PositiveSmallIntegerField(default=2)
    attempt = models.PositiveSmallIntegerField(default=1, help_text="The current attempt")

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    status_changed_at = models.DateTimeField()
    failure_kind = models.CharField(max_length=20, choices=FailureKind.choices, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text="Expires if no runner claims it by then")
    dispatched_at = models.DateTimeField(help_text="When its message was last sent")
    cancel_requested_at = models.DateTimeField(null=True, blank=True)

    host = models.ForeignKey(
        WorkerHost, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    host_session = models.UUIDField(null=True, blank=True)
    profile = models.ForeignKey(
        HardwareProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    requested_seed = models.BigIntegerField(
        null=True, blank=True, help_text="Every attempt uses it; empty for a fresh seed each"
    )
    seed = models.BigIntegerField(null=True, blank=True, help_text="The current attempt's")
    claimed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.JSONField(default=dict)
    log_tail = models.TextField(blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)

    time_to_train_minutes = models.FloatField(null=True, blank=True)
    compliant = models.BooleanField(null=True, help_text="The validation verdict of its log")
    validation = models.JSONField(null=True, blank=True, help_text="The checker's LogResult")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "hardware_class"]),
            models.Index(fields=["benchmark", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attempt__gte=1) & models.Q(max_attempts__gte=1),
                name="run_attempts_positive",
            )
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.benchmark})"

    def get_absolute_url(self) -> str:
        return reverse("benchmarks_runner:run-detail", args=[self.pk])

    @property
    def queue(self) -> str:
        if self.target_host_id:
            return f"host.{self.target_host.name}"
        return f"hw.{self.hardware_class}"

    @property
    def is_final(self) -> bool:
        # LOST and FAILED go back to QUEUED in the same transaction while attempts remain.
        return self.status in FINAL_STATUSES


class RunAttempt(models.Model):
    """One execution of a run on a host: its seed, outcome and exit status."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    host = models.ForeignKey(WorkerHost, on_delete=models.PROTECT, related_name="attempts")
    host_session = models.UUIDField()
    seed = models.BigIntegerField()
    launcher = models.CharField(max_length=20)
    command = models.JSONField(default=list)
    pid = models.PositiveIntegerField(
        null=True, blank=True, help_text="The benchmark's process (group) id on the host"
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices)
    failure_kind = models.CharField(max_length=20, choices=FailureKind.choices, blank=True)
    error = models.TextField(blank=True)
    exit_code = models.IntegerField(null=True, blank=True)
    claimed_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="one_row_per_attempt")
        ]

    def __str__(self) -> str:
        return f"{self.run} attempt {self.number}: {self.status}"


class RunArtifact(models.Model):
    """A file a run produced, kept in the database: runners on other machines share only the
    database and the broker with the server, not a file system."""

    LOG = "log"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="artifacts")
    attempt = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, default=LOG)
    name = models.CharField(max_length=200)
    content = models.BinaryField()
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    truncated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "attempt", "kind"]
        constraints = [
            # One result per attempt: a duplicated message or a late runner cannot add another.
            models.UniqueConstraint(fields=["run", "attempt", "kind"], name="one_artifact_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.run} #{self.attempt} {self.name}"
