"""Organisations taking part in a round: registrations of intent and joint submissions.

The round is a lazy foreign key (``roadmap.Round``): this layer sits below the roadmap and
never imports it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from wg.models.organizations import Organization


class RoundRegistration(models.Model):
    """An organisation intends to submit to a round. Deadline reminders go to registered
    organisations (and to those that uploaded) until they have a valid version."""

    round = models.ForeignKey(
        "roadmap.Round", on_delete=models.PROTECT, related_name="registrations"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="round_registrations"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"], name="one_registration_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} registered for {self.round}"


class JointSubmission(models.Model):
    """Two organisations submit together to a round (e.g. a system vendor and a chip maker).
    Stored with the lower organisation id first so each pair exists once."""

    round = models.ForeignKey(
        "roadmap.Round", on_delete=models.PROTECT, related_name="joint_submissions"
    )
    first = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "first__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "first", "second"], name="one_joint_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="joint_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} + {self.second} ({self.round})"
