"""The review period, as the submission rules run it: objections co-signed by organisations
("by <org>" tags), review assignments, joint partners, withdrawn or re-divisioned results, and
hyperparameter-borrowing declarations."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from roadmap.models import Round
from submissions.models.intake import Submission
from wg.models import Organization


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "Open"
    UPHELD = "upheld", "Upheld"
    DISMISSED = "dismissed", "Dismissed"
    # No organisation signs it any more at (or after) the filing deadline: the rules close it.
    WITHDRAWN = "withdrawn", "Closed: no objector left"


class Objection(models.Model):
    TRANSITIONS: dict[str, frozenset[str]] = {
        ObjectionStatus.OPEN: frozenset(
            {ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED, ObjectionStatus.WITHDRAWN}
        ),
        ObjectionStatus.UPHELD: frozenset(),
        ObjectionStatus.DISMISSED: frozenset(),
        ObjectionStatus.WITHDRAWN: frozenset(),
    }

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="objections")
    filed_by = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="objections_filed",
        help_text="The organisation that opened it; the signers are the current objectors",
    )
    against = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="objections_received"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(
        max_length=1024, blank=True, help_text="File or result folder, e.g. results/sys/bench"
    )
    text = models.TextField()
    fix_required = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the owning submitter acknowledged the problem"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(blank=True)

    class Meta:
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(filed_by=models.F("against")), name="objection_not_against_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.filed_by} → {self.against}: {self.path or 'submission'}"


class ObjectionSigner(models.Model):
    """A "by <org>" tag: an organisation that objects. Removing the tag keeps the row (with
    ``withdrawn_at``) so the history shows who objected and when they stopped."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="signers")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["objection", "organization"], name="one_signature_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"by {self.organization}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class AssignmentPool(models.TextChoices):
    STANDARD = "standard", "Ranked by number of results"
    LARGE_SCALE = "large_scale", "Large scale (512 or more accelerators)"


class ReviewAssignment(models.Model):
    """One organisation reviews another's submission. Computed as the rules say, then editable
    by the review chair (``computed`` tells which rows the computation made)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reviewee = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    pool = models.CharField(max_length=12, choices=AssignmentPool.choices)
    computed = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pool", "reviewer__name", "reviewee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer", "reviewee", "pool"], name="one_assignment_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(reviewer=models.F("reviewee")), name="no_self_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.reviewee} ({self.round.name})"


class JointPartner(models.Model):
    """A partner organisation of a joint submission; for review assignments it is a submitter
    of its own (the rules' "Joint submissions")."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "organization"], name="one_partner_row_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} with {self.submission}"


class ResultChangeKind(models.TextChoices):
    WITHDRAW = "withdraw", "Withdrawn"
    MOVE_TO_OPEN = "move_to_open", "Moved to the open division"


class ResultChange(models.Model):
    """The owning submitter withdraws a result, or moves it from closed to open, before the
    final results deadline. ``benchmark`` empty means every benchmark of the system."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="result_changes")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    system = models.CharField(max_length=255)
    benchmark = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=ResultChangeKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["system", "benchmark"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization", "system", "benchmark"],
                condition=models.Q(cancelled_at__isnull=True),
                name="one_active_change_per_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system}/{self.benchmark or '*'}: {self.get_kind_display()}"


class HyperparameterBorrowing(models.Model):
    """A declaration that a result's hyperparameters are borrowed from another submission
    (training rules), made by the borrowing organisation before the rules' deadline."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="borrowings")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    benchmark = models.CharField(max_length=100)
    system = models.CharField(max_length=255, blank=True)
    borrowed_from = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["declared_at", "id"]

    def __str__(self) -> str:
        return f"{self.organization} borrows {self.benchmark} from {self.borrowed_from}"
