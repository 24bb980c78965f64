"""Invitations: a chair asks a person by email to join with an organisation and roles."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from wg.models.organizations import Organization, Person


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"


class Invitation(models.Model):
    """Single use and expiring. Only the SHA-256 of the link's token is stored, so a copy of
    the database opens no account; a resend replaces the token."""

    VALID_DAYS = 14
    TRANSITIONS: dict[str, frozenset[str]] = {
        InvitationStatus.PENDING: frozenset({InvitationStatus.ACCEPTED, InvitationStatus.REVOKED}),
        InvitationStatus.ACCEPTED: frozenset(),
        InvitationStatus.REVOKED: frozenset(),
    }

    email = models.EmailField(help_text="Stored lower-case")
    full_name = models.CharField(max_length=200)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations"
    )
    roles = models.JSONField(default=list, blank=True, help_text="Role codes granted on accept")
    round_name = models.CharField(max_length=20, blank=True, help_text="For a review chair")
    role_end = models.DateField(null=True, blank=True, help_text="End of the roles' term")
    message = models.TextField(blank=True, help_text="A note from the inviter, in the email")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.full_name} <{self.email}>"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at > timezone.now()
