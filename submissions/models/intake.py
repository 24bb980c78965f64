"""Submission windows, deadline extensions, and the versions an organisation uploads."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from roadmap.models import Round
from wg.models import Organization

# The rules' review schedule counts from a Friday deadline: objections are due on the Friday of
# review week 1, hyperparameter borrowing is declared by the Monday of week 3.
OBJECTIONS_DUE_DAYS = 7
HYPERPARAMETERS_DUE_DAYS = 17


class SubmissionWindow(models.Model):
    """When a round accepts packages. Times are stored in UTC and shown in Pacific time; the
    server's clock decides (see ``submissions.services.intake.window_phase``)."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="window")
    opens_at = models.DateTimeField()
    deadline = models.DateTimeField()
    grace_minutes = models.PositiveIntegerField(default=60, help_text="The rules' grace period")
    review_ends_at = models.DateTimeField(help_text="End of the review period (objections, fixes)")
    objections_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The filing deadline for objections (by default a week after the deadline)",
    )
    hyperparameters_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The deadline to declare hyperparameter borrowing (by default review week 3)",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opens_at")),
                name="window_deadline_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(review_ends_at__gt=models.F("deadline")),
                name="window_review_after_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.name} submission window"

    @property
    def closes_at(self) -> datetime:
        """The last moment an upload is accepted without an extension (deadline + grace)."""
        return self.deadline + timedelta(minutes=self.grace_minutes)

    @property
    def objections_close_at(self) -> datetime:
        """The rules' "Objections due" (Friday of review week 1), within the review period."""
        default = self.deadline + timedelta(days=OBJECTIONS_DUE_DAYS)
        return min(self.objections_due_at or default, self.review_ends_at)

    @property
    def borrowing_closes_at(self) -> datetime:
        """The rules' "Must declare all intended hyperparameter borrowing" (Monday of week 3)."""
        default = self.deadline + timedelta(days=HYPERPARAMETERS_DUE_DAYS)
        return min(self.hyperparameters_due_at or default, self.review_ends_at)

    @property
    def closes_for_all_at(self) -> datetime:
        """The last moment anyone may upload: the grace period or the latest extension."""
        return max([self.closes_at, *(e.until for e in self.extensions.all())])


class DeadlineExtension(models.Model):
    """A force-majeure extension for one organisation, granted by a chair with a reason."""

    MAX_HOURS = 72

    window = models.ForeignKey(
        SubmissionWindow, on_delete=models.CASCADE, related_name="extensions"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="deadline_extensions"
    )
    until = models.DateTimeField()
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["window", "organization"], name="one_extension_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.organization} until {self.until:%Y-%m-%d %H:%M} UTC"


class Submission(models.Model):
    """An organisation's submission to a round: the container of its uploaded versions."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="submissions")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="submissions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    partners = models.ManyToManyField(
        Organization,
        through="submissions.JointPartner",
        related_name="joint_submissions",
        blank=True,
        help_text="Other organisations of a joint submission (reviewed as separate submitters)",
    )

    class Meta:
        ordering = ["round", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"], name="one_submission_per_org_and_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.round.name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "submissions:submission-detail", args=[self.round.name, self.organization.slug]
        )


class VersionStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    UNPACKING = "unpacking", "Unpacking"
    VALIDATING = "validating", "Validating"
    VALID = "valid", "Valid"
    INVALID = "invalid", "Has errors"
    REJECTED = "rejected", "Rejected at intake"
    FAILED = "failed", "Validation failed to run"


class SubmissionVersion(models.Model):
    """One upload. Nothing is overwritten: every upload is a new numbered version."""

    TRANSITIONS: dict[str, frozenset[str]] = {
        VersionStatus.RECEIVED: frozenset({VersionStatus.UNPACKING, VersionStatus.FAILED}),
        # Back to RECEIVED when the unpacking stopped (its worker died) and is queued again.
        VersionStatus.UNPACKING: frozenset(
            {
                VersionStatus.VALIDATING,
                VersionStatus.REJECTED,
                VersionStatus.FAILED,
                VersionStatus.RECEIVED,
            }
        ),
        VersionStatus.VALIDATING: frozenset(
            {VersionStatus.VALID, VersionStatus.INVALID, VersionStatus.FAILED}
        ),
        # A version whose validation could not run can be validated again by a chair.
        VersionStatus.FAILED: frozenset({VersionStatus.RECEIVED}),
        VersionStatus.VALID: frozenset(),
        VersionStatus.INVALID: frozenset(),
        VersionStatus.REJECTED: frozenset(),
    }

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(help_text="The server's clock when the upload completed")
    original_name = models.CharField(max_length=255)
    archive_format = models.CharField(max_length=10)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    during_review = models.BooleanField(
        default=False, help_text="A fix uploaded during the review period"
    )
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.RECEIVED
    )
    status_changed_at = models.DateTimeField(auto_now=True)
    rejection = models.TextField(blank=True, help_text="Why intake refused the package")
    org_folder = models.CharField(
        max_length=255,
        blank=True,
        help_text="Relative path of the folder with systems/ and results/",
    )
    unpack_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times unpacking was started"
    )
    claimed_by = models.CharField(
        max_length=200, blank=True, help_text="The task execution that is unpacking it"
    )
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last sign of life of its unpacking or finalizing: when it was queued, or "
        "the unpacking task's heartbeat (the reaper re-queues it when this gets old)",
    )

    class Meta:
        ordering = ["submission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_numbers_unique")
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"

    def get_absolute_url(self) -> str:
        sub = self.submission
        return reverse(
            "submissions:version-detail", args=[sub.round.name, sub.organization.slug, self.number]
        )

    @property
    def is_final(self) -> bool:
        return not self.TRANSITIONS[self.status] or self.status == VersionStatus.FAILED


class SubmissionFile(models.Model):
    """A regular file of an unpacked version, with its content hash."""

    version = models.ForeignKey(SubmissionVersion, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=1024)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["version", "path"], name="file_path_unique_per_version")
        ]

    def __str__(self) -> str:
        return self.path
