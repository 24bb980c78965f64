"""Review objections: one organisation against another, decided by the chairs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from roadmap.models import Round
from wg.models import Organization


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "Open"
    UPHELD = "upheld", "Upheld"
    DISMISSED = "dismissed", "Dismissed"
    WITHDRAWN = "withdrawn", "Withdrawn"


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
        Organization, on_delete=models.PROTECT, related_name="objections_filed"
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
