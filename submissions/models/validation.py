"""Validation reports, per-benchmark checks, findings, scores and system descriptions."""

from __future__ import annotations

from django.db import models

from submissions.models.intake import SubmissionVersion


class ValidationReport(models.Model):
    version = models.OneToOneField(
        SubmissionVersion, on_delete=models.CASCADE, related_name="report"
    )
    ruleset = models.CharField(max_length=20)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True, help_text="The package verdict; empty until finished")
    logs_checked = models.PositiveIntegerField(default=0)
    logs_reused = models.PositiveIntegerField(
        default=0, help_text="Unchanged logs whose earlier result was reused"
    )
    package_json = models.JSONField(
        null=True, blank=True, help_text="The validate_package JSON of this version"
    )

    def __str__(self) -> str:
        return f"Report for {self.version}"


class CheckStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Could not run"


class BenchmarkCheck(models.Model):
    """One results/<system>/<benchmark> folder: the unit validated in parallel."""

    TRANSITIONS: dict[str, frozenset[str]] = {
        CheckStatus.PENDING: frozenset({CheckStatus.RUNNING}),
        # Back to PENDING: a retry after the check raised or its worker was lost.
        CheckStatus.RUNNING: frozenset({CheckStatus.DONE, CheckStatus.FAILED, CheckStatus.PENDING}),
        CheckStatus.DONE: frozenset(),
        CheckStatus.FAILED: frozenset(),
    }

    report = models.ForeignKey(
        ValidationReport, on_delete=models.CASCADE, related_name="benchmark_checks"
    )
    system = models.CharField(max_length=255)
    benchmark = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(
        max_length=200, blank=True, help_text="The task execution that is checking it"
    )
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it was queued, or its task's last heartbeat while it runs (the reaper "
        "re-queues it when this gets old)",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["system", "benchmark"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "system", "benchmark"], name="one_check_per_benchmark_dir"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system}/{self.benchmark}: {self.status}"


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"


class Finding(models.Model):
    report = models.ForeignKey(ValidationReport, on_delete=models.CASCADE, related_name="findings")
    check_name = models.CharField(
        max_length=50, help_text="Which check found it (compliance, seeds, rcp, …)"
    )
    severity = models.CharField(max_length=10, choices=Severity.choices)
    path = models.CharField(max_length=1024, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField()
    rule = models.CharField(max_length=300, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-severity", "path", "line", "id"]

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path or "package"
        return f"{self.severity} {where}: {self.message}"


class LogCheckCache(models.Model):
    """The result of checking one log content under one ruleset, reused across versions."""

    ruleset = models.CharField(max_length=20)
    engine = models.CharField(max_length=50, help_text="Checker version that produced the result")
    sha256 = models.CharField(max_length=64)
    result = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset", "engine", "sha256"], name="one_cached_result_per_content"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ruleset}:{self.sha256[:12]}"


class SystemDescription(models.Model):
    """A systems/<name>.json of a version, kept for the results tables."""

    version = models.ForeignKey(SubmissionVersion, on_delete=models.CASCADE, related_name="systems")
    name = models.CharField(max_length=255, help_text="The file name without .json")
    division = models.CharField(max_length=20, blank=True)
    availability = models.CharField(max_length=100, blank=True)
    system_name = models.CharField(max_length=300, blank=True)
    accelerator_model = models.CharField(max_length=200, blank=True)
    accelerators = models.PositiveIntegerField(null=True, blank=True)
    nodes = models.PositiveIntegerField(null=True, blank=True)
    framework = models.CharField(max_length=300, blank=True)
    content = models.JSONField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="one_description_per_system")
        ]

    def __str__(self) -> str:
        return self.system_name or self.name


class Score(models.Model):
    """A benchmark score of a system in a version, as the round's rules compute it."""

    version = models.ForeignKey(SubmissionVersion, on_delete=models.CASCADE, related_name="scores")
    system = models.CharField(max_length=255)
    benchmark = models.CharField(max_length=100)
    division = models.CharField(max_length=20)
    score_minutes = models.FloatField(
        null=True, blank=True, help_text="Empty when the runs cannot be scored"
    )
    scaling_factor = models.FloatField(default=1.0)
    run_minutes = models.JSONField(
        default=list, help_text="Each run's time to train, in file order"
    )

    class Meta:
        ordering = ["system", "benchmark"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "system", "benchmark"], name="one_score_per_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system}/{self.benchmark}: {self.score_minutes}"
