"""Meeting series and the working group's resources (links and files with visibility tiers)."""

from __future__ import annotations

from datetime import date, time

from django.db import models

from wg.models import Organization, Visibility, WorkingGroup


class MeetingSeries(models.Model):
    """A recurring meeting, defined in its own time zone so it keeps its local time across DST."""

    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="meeting_series"
    )
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    rrule = models.CharField(max_length=200, help_text="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TH")
    first_date = models.DateField(default=date(2018, 1, 4))
    start_time = models.TimeField(default=time(8, 30))
    duration_minutes = models.PositiveIntegerField(default=90)
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles")
    cancelled_dates = models.JSONField(default=list, blank=True, help_text="ISO dates skipped")
    join_url = models.URLField(blank=True, help_text="Shown to members only")
    description = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """A link or file the group keeps, with who may see it (see ``wg.permissions``)."""

    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="resources"
    )
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    file = models.FileField(upload_to="resources/", blank=True)
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="resources"
    )
    round = models.ForeignKey(
        "roadmap.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="resources"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(visibility="org_private")
                | models.Q(organization__isnull=False),
                name="org_private_resource_has_organization",
            ),
            models.CheckConstraint(
                condition=~models.Q(visibility="round_embargoed") | models.Q(round__isnull=False),
                name="embargoed_resource_has_round",
            ),
        ]

    def __str__(self) -> str:
        return self.title
