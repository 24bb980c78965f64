"""Organisations, people, their memberships and roles, and API tokens."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Visibility(models.TextChoices):
    """Who may see a resource or material. Checked in ``wg.permissions`` only."""

    PUBLIC = "public", "Public"
    MEMBERS = "members", "Members only"
    ORG_PRIVATE = "org_private", "One organisation only"
    ROUND_EMBARGOED = "round_embargoed", "Embargoed until the round is published"


class WorkingGroup(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=50)
    mission = models.TextField()
    deliverables = models.JSONField(default=list, help_text="List of short strings")
    description = models.TextField(blank=True, help_text="Markdown")

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """A company or institution. Affiliates point at a parent and vote as one organisation."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="affiliates"
    )
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="org_not_own_parent")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def voting_organization(self) -> Organization:
        """The top of the affiliate chain: the organisation that holds the vote."""
        org, seen = self, {self.pk}
        while org.parent_id is not None and org.parent_id not in seen:
            seen.add(org.parent_id)
            org = org.parent  # type: ignore[assignment]
        return org


class Person(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    slug = models.SlugField(unique=True)
    full_name = models.CharField(max_length=200)
    emails = models.JSONField(default=list, blank=True, help_text="Addresses, primary first")
    github_handle = models.CharField(max_length=39, blank=True)
    title = models.CharField(max_length=200, blank=True, help_text="E.g. 'Director, Deep Learning'")
    bio = models.TextField(blank=True, help_text="Markdown")

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def primary_email(self) -> str:
        return self.emails[0] if self.emails else ""


class TermQuerySet(models.QuerySet):
    def current(self, on: date | None = None) -> TermQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(start__lte=day), Q(end__isnull=True) | Q(end__gte=day))


class Membership(models.Model):
    """A person's affiliation with an organisation over a period (the affiliation history)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"


class Role(models.TextChoices):
    CHAIR = "chair", "Working-group chair"
    MEMBER = "member", "Member"
    OBSERVER = "observer", "Observer"
    SUBMITTER = "submitter", "Submitter contact"
    REVIEW_CHAIR = "review_chair", "Review chair"
    STAFF = "staff", "Staff"


class RoleAssignment(models.Model):
    """A power held for a term. A submitter contact acts for one organisation; a review chair
    serves one round (named by ``round_name``, since this layer sits below the roadmap)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    round_name = models.CharField(max_length=20, blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["role", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="role_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(role="submitter") | Q(organization__isnull=False),
                name="submitter_role_has_organization",
            ),
            models.CheckConstraint(
                condition=~Q(role="review_chair") | ~Q(round_name=""),
                name="review_chair_role_has_round",
            ),
        ]

    def __str__(self) -> str:
        scope = self.organization or self.round_name or "WG"
        return f"{self.person}: {self.get_role_display()} ({scope})"


class ApiToken(models.Model):
    """A bearer token for scripts and CI. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, help_text="First characters, to recognise the token")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
