"""Rounds of results. The roadmap work (milestones, proposals, rules) grows this app."""

from __future__ import annotations

from django.db import models


class Round(models.Model):
    """A results round, e.g. v6.1 checked with the official ruleset 6.1.0."""

    name = models.CharField(max_length=20, unique=True, help_text="E.g. 'v6.1'")
    ruleset = models.CharField(max_length=20, help_text="Official checker ruleset, e.g. '6.1.0'")
    submission_deadline = models.DateTimeField(null=True, blank=True)
    publication_date = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set when a chair publishes the results"
    )

    class Meta:
        ordering = ["-name"]

    def __str__(self) -> str:
        return f"MLPerf Training {self.name}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
